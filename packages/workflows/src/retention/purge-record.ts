import { newId } from '@audit/shared';
import { purgeSigningInput, type PurgeRecord, type PurgeRecordHeader } from '@audit/shared/integrity/checkpoint';
import { toRanges } from '@audit/shared/integrity/seq-ranges';
import { signText, type SigningKey } from '@audit/shared/integrity/signing';
import type { Store } from '@audit/store';

/**
 * Signs and stores what one purge batch removes: the workspace, the cut-off and exactly which
 * seqs. Kept for good (they are small), so a verifier years later still tells an event removed
 * on schedule from one that went missing, and can check the removal obeyed the cut-off.
 */
export async function recordPurge(
  deps: { store: Store; key: SigningKey; clock: () => Date },
  batch: { runId: string; workspaceId: string; cutoff: Date; seqs: number[] },
): Promise<PurgeRecord> {
  const now = deps.clock();
  const header: PurgeRecordHeader = {
    id: newId('purgeRecord', now.getTime()),
    workspaceId: batch.workspaceId,
    runId: batch.runId,
    cutoff: batch.cutoff.toISOString(),
    seqs: toRanges(batch.seqs),
    count: batch.seqs.length,
    createdAt: now.toISOString(),
    keyId: deps.key.keyId,
  };
  const record: PurgeRecord = { ...header, signature: signText(purgeSigningInput(header), deps.key) };
  await deps.store.signingKeys.register(deps.key.keyId, deps.key.publicKey, now);
  await deps.store.purgeRecords.insert(record);
  return record;
}
