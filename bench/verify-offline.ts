/**
 * Offline verification: verifyLog over N events sealed in signed checkpoints of 1,000, against
 * the floor of hashing each event's canonical JSON alone (no Merkle tree, no signatures, no
 * bookkeeping), measured side by side in one run. Pure CPU: no servers.
 *   npx tsx bench/verify-offline.ts [--events=50000] [--per=1000] [--rounds=5]
 */
import { hash } from 'node:crypto';
import { checkpointHash, checkpointSigningInput } from '@audit/shared/integrity/checkpoint';
import { eventHash, hashInput } from '@audit/shared/integrity/event-hash';
import { merkleRoot } from '@audit/shared/integrity/merkle';
import { toRanges } from '@audit/shared/integrity/seq-ranges';
import { generateSigningKeyValue, parseSigningKey, signText } from '@audit/shared/integrity/signing';
import { verifyLog, type VerifyInput } from '@audit/shared/integrity/verify-core';
import { sampleEvent } from './bench-events.ts';
import { arg, fmt, header, table } from './harness.ts';

const N = arg('events', 50_000);
const PER = arg('per', 1_000);
const ROUNDS = arg('rounds', 5);
const WS = 'ws_01JA2Q3R4S5T6V7W8X9Y0Z1A2C';

header('offline verification: verifyLog vs hashing canonical JSON alone', {
  events: N,
  perCheckpoint: PER,
  rounds: ROUNDS,
});
const key = parseSigningKey(generateSigningKeyValue());
const t0 = Date.UTC(2024, 0, 1);
// Events as an export carries them: ISO strings, the stored hash alongside.
const events: VerifyInput['events'] = Array.from({ length: N }, (_, i) => {
  const { idempotencyKey: _k, ...e } = sampleEvent(i, 'bench');
  const at = new Date(t0 + i * 10).toISOString();
  const ev = {
    ...e,
    id: `aud_${String(i).padStart(26, '0')}`,
    workspaceId: WS,
    organizationId: 'org_01JA2Q3R4S5T6V7W8X9Y0Z1A2D',
    seq: i + 1,
    occurredAt: at,
    recordedAt: at,
  };
  return { ...ev, hash: eventHash(ev) };
});
const checkpoints: VerifyInput['checkpoints'] = [];
for (let i = 0; i < N; i += PER) {
  const chunk = events.slice(i, i + PER);
  const leaves = chunk.map((e) => e.hash!);
  const prev = checkpoints[checkpoints.length - 1];
  const h = {
    id: `chk_${checkpoints.length + 1}`,
    workspaceId: WS,
    number: checkpoints.length + 1,
    count: chunk.length,
    seqs: toRanges(chunk.map((e) => e.seq)),
    from: prev ? prev.through + 1 : 1,
    through: chunk[chunk.length - 1]!.seq,
    root: merkleRoot(leaves),
    previous: prev ? checkpointHash(prev) : null,
    sealedAt: new Date(t0 + i * 10 + 60_000).toISOString(),
    keyId: key.keyId,
  };
  checkpoints.push({ ...h, signature: signText(checkpointSigningInput(h), key), leaves });
}
const input: VerifyInput = {
  workspaceId: WS,
  events,
  checkpoints,
  purges: [],
  keys: [{ keyId: key.keyId, publicKey: key.publicKey }],
};
const ndjson = events.map((e) => JSON.stringify(e)).join('\n');

const time = (fn: () => void) => {
  const started = performance.now();
  fn();
  return performance.now() - started;
};
const floor = () => {
  for (const e of events) hash('sha256', hashInput(e), 'hex');
};
const verify = () => {
  const r = verifyLog(input);
  if (!r.ok || r.counts.sealed !== N)
    throw new Error(`the honest log did not verify: ${JSON.stringify(r.findings.slice(0, 3))}`);
};
const fromText = () => {
  const parsed = ndjson.split('\n').map((l) => JSON.parse(l) as VerifyInput['events'][number]);
  if (!verifyLog({ ...input, events: parsed }).ok) throw new Error('the parsed log did not verify');
};

floor(); // warm-up, so neither side pays for the JIT
verify();
const runs = { floor: [] as number[], verify: [] as number[], fromText: [] as number[] };
for (let r = 0; r < ROUNDS; r++) {
  runs.floor.push(time(floor));
  runs.verify.push(time(verify));
  runs.fromText.push(time(fromText));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rate = (ms: number) => (N / ms) * 1000;
const [f, v, t] = [median(runs.floor), median(runs.verify), median(runs.fromText)];
table([
  ['median of rounds', 'ms', 'events/s', 'vs floor'],
  ['floor: SHA-256 of canonical JSON', fmt(f), fmt(rate(f)), '1.00'],
  ['verifyLog (hashes, roots, signatures, chain)', fmt(v), fmt(rate(v)), fmt(rate(v) / rate(f), 2)],
  ['JSON.parse of NDJSON + verifyLog', fmt(t), fmt(rate(t)), fmt(rate(t) / rate(f), 2)],
]);
console.log(`goal ≥ 50,000 events/s for verifyLog: ${rate(v) >= 50_000 ? 'met' : 'NOT met'}`);
