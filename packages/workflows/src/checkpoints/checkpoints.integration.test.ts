import { describe, expect, it } from 'vitest';
import {
  checkpointHash,
  checkpointSigningInput,
  CheckpointSchema,
  type Checkpoint,
} from '@audit/shared/integrity/checkpoint';
import { eventHash } from '@audit/shared/integrity/event-hash';
import { rootFromInclusion } from '@audit/shared/integrity/merkle';
import { verifyText } from '@audit/shared/integrity/signing';
import { verifyLog } from '@audit/shared/integrity/verify-core';
import {
  bodyOf,
  eventually,
  lockCreated,
  sealNow,
  verifyBatch,
  verifyInputFromStore,
  verifySignature,
  useWorkerSuite,
} from '@audit/testing';

/*
 * Sealing end to end: events recorded through the API, a sealing pass on the real worker and
 * Temporal, checkpoints read back through the API, proofs checked with the pure core, and the
 * signed checkpoint arriving at real receivers through the destinations' own streams.
 */
const suite = useWorkerSuite({ WEBHOOK_RETRY_SCHEDULE: '0,200,400', WEBHOOK_LINGER_MS: '200' });

async function publishedKeys(url: string): Promise<{ keyId: string; publicKey: string; status: string }[]> {
  const res = await fetch(`${url}/.well-known/audit-log-keys.json`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { keys: { keyId: string; publicKey: string; status: string }[] }).keys;
}

function verifiesWith(keys: { keyId: string; publicKey: string }[], cp: Checkpoint): boolean {
  const { signature, ...header } = cp;
  const key = keys.find((k) => k.keyId === cp.keyId);
  return key !== undefined && verifyText(checkpointSigningInput(header), signature, key.publicKey);
}

describe('checkpoints', () => {
  it('seals every event once, chains and signs the checkpoints, proves inclusion, and does not seal its own marks alone', async () => {
    const t = await suite.env.tenant('enterprise');
    const http = await suite.env.http();
    const { events } = await t.caller.events.recordBatch({
      events: Array.from({ length: 300 }, (_, i) => lockCreated(i)),
    });
    expect(events.every((e) => /^[0-9a-f]{64}$/.test(e.hash ?? ''))).toBe(true);
    // The returned hash is the documented one, recomputed from the returned fields.
    expect(events.map((e) => eventHash(e))).toEqual(events.map((e) => e.hash));

    const first = await sealNow(suite.env);
    expect(first.checkpoints).toBeGreaterThanOrEqual(1);
    const page1 = await t.caller.checkpoints.list({});
    expect(page1.items).toHaveLength(1);
    const cp1 = CheckpointSchema.parse(page1.items[0]);
    // The tenant's own set-up events (workspace and key created) come first: everything is sealed.
    const last = events[299]!.seq;
    expect(cp1).toMatchObject({
      workspaceId: t.workspaceId,
      number: 1,
      count: last,
      previous: null,
      seqs: [{ first: 1, last }],
      from: 1,
      through: last,
    });
    const keys = await publishedKeys(http.url);
    expect(keys.map((k) => k.status)).toContain('active');
    expect(verifiesWith(keys, cp1)).toBe(true);
    expect(verifiesWith(keys, { ...cp1, count: 299 })).toBe(false);

    // Every event's proof leads from its hash to the signed root.
    for (const e of [events[0]!, events[137]!, events[299]!]) {
      const proof = await t.caller.events.proof({ id: e.id });
      if (!proof.sealed) throw new Error(`event ${e.id} not sealed`);
      expect(proof.checkpoint.number).toBe(1);
      expect(proof.treeSize).toBe(last);
      expect(rootFromInclusion(e.hash!, proof.leafIndex, proof.treeSize, proof.path)).toBe(cp1.root);
      expect(
        rootFromInclusion(eventHash({ ...e, description: 'x' }), proof.leafIndex, proof.treeSize, proof.path),
      ).not.toBe(cp1.root);
    }

    // The checkpoint is an event of its own, holding the signed checkpoint.
    const marks = await eventually(async () => {
      const l = await t.caller.events.list({ categories: ['audit'] });
      return l.items.length === 1 ? l.items : null;
    });
    expect(marks[0]).toMatchObject({
      category: 'audit',
      action: 'checkpoint',
      target: { type: 'checkpoint', id: cp1.id },
    });
    expect(marks[0]!.metadata).toEqual(cp1);

    // Nothing but that mark is new: no checkpoint seals only its predecessor's event.
    await new Promise((r) => setTimeout(r, 300));
    await sealNow(suite.env);
    expect((await t.caller.checkpoints.list({})).items).toHaveLength(1);

    // One more event: #2 covers the mark and the event, chained to #1.
    const late = await t.caller.events.record(lockCreated(999));
    await sealNow(suite.env);
    const cp2 = await t.caller.checkpoints.get({ number: 2 });
    expect(cp2).toMatchObject({
      number: 2,
      count: 2,
      previous: checkpointHash(cp1),
      seqs: [{ first: marks[0]!.seq, last: late.seq }],
    });
    expect(verifiesWith(keys, cp2)).toBe(true);
    expect((await t.caller.events.proof({ id: late.id })).sealed).toBe(true);

    const report = verifyLog(await verifyInputFromStore(suite.env, t.workspaceId));
    expect(report.findings).toEqual([]);
    expect(report.counts).toMatchObject({ checkpoints: 2, sealed: last + 2, unsealed: 1 });
    expect(report.ok).toBe(true);

    // Tenancy: another tenant's event or checkpoint is not found; other plans are refused.
    const other = await suite.env.tenant('enterprise');
    await expect(other.caller.events.proof({ id: late.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(other.caller.checkpoints.get({ number: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await other.caller.checkpoints.list({})).items).toEqual([]);
    const team = await suite.env.tenant('team');
    await expect(team.caller.checkpoints.list({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await http.close();
  });

  it('refuses a caller recording the service’s own category', async () => {
    const t = await suite.env.tenant('enterprise');
    await expect(t.caller.events.record({ ...lockCreated(), category: 'audit', action: 'checkpoint' })).rejects.toThrow(
      /category: "audit" is recorded by the service itself/,
    );
  });

  it('delivers each checkpoint to every destination, whatever its category filter and format, signed by a published key', async () => {
    const t = await suite.env.tenant('enterprise');
    const http = await suite.env.http();
    const ce = await suite.receiver();
    const dd = await suite.receiver();
    const ceHook = await t.caller.webhooks.create({ url: ce.url, categories: ['auth'] });
    const ddHook = await t.caller.webhooks.create({
      url: dd.url,
      format: 'datadog',
      categories: ['lock'],
      headers: { 'DD-API-KEY': '0123456789abcdef0123456789abcdef' },
    });
    await t.caller.events.recordBatch({ events: Array.from({ length: 20 }, (_, i) => lockCreated(i)) });
    await sealNow(suite.env);
    const cp = (await t.caller.checkpoints.get({ number: 1 })) as Checkpoint;
    const keys = await publishedKeys(http.url);

    const fromCe = await eventually(
      async () => {
        const all = ce.requests.flatMap((r) => verifyBatch(r, ceHook.secret));
        return all.find((e) => e.type === 'pro.atmos.audit.checkpoint') ?? null;
      },
      20_000,
      'checkpoint at the auth-only CloudEvents destination',
    );
    // Only the checkpoint passed the auth filter: the lock events did not.
    expect(ce.requests.flatMap((r) => verifyBatch(r, ceHook.secret)).map((e) => e.type)).toEqual([
      'pro.atmos.audit.checkpoint',
    ]);
    const held = CheckpointSchema.parse((fromCe.data as { metadata: unknown }).metadata);
    expect(held).toEqual(cp);
    expect(verifiesWith(keys, held)).toBe(true);
    expect(typeof fromCe['audithash']).toBe('string');

    const entry = await eventually(
      async () => {
        const all = dd.requests.flatMap((r) => {
          verifySignature(r, ddHook.secret);
          return JSON.parse(bodyOf(r)) as {
            evt: { name: string };
            audit: { data: { metadata: unknown }; audithash?: string };
          }[];
        });
        return all.find((e) => e.evt.name === 'pro.atmos.audit.checkpoint') ?? null;
      },
      20_000,
      'checkpoint at the Datadog destination',
    );
    expect(verifiesWith(keys, CheckpointSchema.parse(entry.audit.data.metadata))).toBe(true);
    await http.close();
  });
});
