import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from '../mongo.ts';

/** Where the stream supervisor's incremental passes stand: one document per deployment. */
export interface SupervisorStateDoc {
  _id: 'passes';
  /** Start of the last pass that found every stream it looked at in order. */
  cleanPassStartedAt: Date;
  updatedAt: Date;
}

export class SupervisorStateStore {
  readonly col: Collection<SupervisorStateDoc>;
  constructor(db: Db) {
    this.col = db.collection<SupervisorStateDoc>('stream_supervisor');
  }

  /** Null before the first clean pass: the next pass then looks at everything. */
  async lastCleanPass(): Promise<Date | null> {
    return (await this.col.findOne({ _id: 'passes' }))?.cleanPassStartedAt ?? null;
  }

  /**
   * Never moves back (`$max`): a slow pass finishing after a newer one keeps the newer start. The
   * first two passes of a deployment may both insert; FerretDB answers the loser E11000.
   */
  async saveCleanPass(startedAt: Date, now: Date): Promise<void> {
    const update = { $max: { cleanPassStartedAt: startedAt }, $set: { updatedAt: now } };
    const write = () => this.col.updateOne({ _id: 'passes' }, update, { upsert: true });
    try {
      await write();
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      await write();
    }
  }
}
