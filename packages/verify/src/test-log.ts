/** A small signed log for the verifier's tests, shaped as the service exports it. */
import { checkpointHash, checkpointSigningInput, type Checkpoint } from '@audit/shared/integrity/checkpoint';
import { eventHash } from '@audit/shared/integrity/event-hash';
import { merkleRoot } from '@audit/shared/integrity/merkle';
import { toRanges } from '@audit/shared/integrity/seq-ranges';
import { generateSigningKeyValue, parseSigningKey, signText } from '@audit/shared/integrity/signing';

export const WS = 'ws_01JA2Q3R4S5T6V7W8X9Y0Z1A2C';

export function testLog(n: number, per: number) {
  const key = parseSigningKey(generateSigningKeyValue());
  const events = Array.from({ length: n }, (_, i) => {
    const e = {
      id: `aud_${String(i + 1).padStart(26, '0')}`,
      workspaceId: WS,
      organizationId: 'org_1',
      seq: i + 1,
      category: 'lock',
      action: 'created',
      actor: { type: 'user', id: 'usr_1' },
      target: null,
      description: null,
      metadata: { i },
      occurredAt: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(),
      recordedAt: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(),
      context: {},
      idempotencyKey: null,
    };
    return { ...e, hash: eventHash(e) };
  });
  const checkpoints: (Checkpoint & { leaves: string[] })[] = [];
  for (let i = 0; i + per <= n; i += per) {
    const chunk = events.slice(i, i + per);
    const leaves = chunk.map((e) => e.hash);
    const prev = checkpoints[checkpoints.length - 1];
    const h = {
      id: `chk_${checkpoints.length + 1}`,
      workspaceId: WS,
      number: checkpoints.length + 1,
      count: per,
      seqs: toRanges(chunk.map((e) => e.seq)),
      from: i + 1,
      through: i + per,
      root: merkleRoot(leaves),
      previous: prev ? checkpointHash(prev) : null,
      sealedAt: new Date(Date.UTC(2024, 0, 2, checkpoints.length)).toISOString(),
      keyId: key.keyId,
    };
    checkpoints.push({ ...h, signature: signText(checkpointSigningInput(h), key), leaves });
  }
  const keysDoc = {
    keys: [
      {
        keyId: key.keyId,
        algorithm: 'Ed25519',
        publicKey: key.publicKey,
        status: 'active',
        firstUsedAt: '2024-01-01T00:00:00.000Z',
        lastUsedAt: null,
      },
    ],
  };
  return { key, events, checkpoints, keysDoc };
}

export const ndjsonText = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
