import type { Collection, Db } from 'mongodb';

/**
 * Every public key that ever signed a checkpoint or purge record. The worker registers its key
 * when it signs; nothing is removed, so after a rotation the retired key stays published and old
 * checkpoints keep verifying.
 */
export interface SigningKeyDoc {
  _id: string;
  algorithm: 'Ed25519';
  /** Base64 of the raw 32-byte public key. */
  publicKey: string;
  firstUsedAt: Date;
  lastUsedAt: Date;
}

/** How often a worker refreshes `lastUsedAt` of its key: a hint for operators, not a record. */
const TOUCH_EVERY_MS = 60 * 60_000;

export class SigningKeysStore {
  readonly col: Collection<SigningKeyDoc>;
  private readonly touched = new Map<string, number>();

  constructor(db: Db) {
    this.col = db.collection<SigningKeyDoc>('signing_keys');
  }

  async register(keyId: string, publicKey: string, now: Date): Promise<void> {
    const last = this.touched.get(keyId);
    if (last !== undefined && now.getTime() - last < TOUCH_EVERY_MS) return;
    await this.col.updateOne(
      { _id: keyId },
      { $setOnInsert: { algorithm: 'Ed25519', publicKey, firstUsedAt: now }, $set: { lastUsedAt: now } },
      { upsert: true },
    );
    this.touched.set(keyId, now.getTime());
  }

  /** Oldest first; a small collection (one row per key ever used). */
  list(): Promise<SigningKeyDoc[]> {
    return this.col.find({}).sort({ firstUsedAt: 1, _id: 1 }).limit(1000).toArray();
  }
}
