import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogs, openTestEnv, type Tenant, type TestEnv } from '@audit/testing';
import { hasChromium, openBrowser, shot, warnWithoutChromium, type Browser } from '@audit/testing/browser';
import { checkpointSigningInput, type Checkpoint, type CheckpointHeader } from '@audit/shared/integrity/checkpoint';
import { eventHash } from '@audit/shared/integrity/event-hash';
import { inclusionPath, merkleRoot } from '@audit/shared/integrity/merkle';
import { generateSigningKeyValue, parseSigningKey, signText } from '@audit/shared/integrity/signing';
import { canonicalizeFile } from './index.ts';

warnWithoutChromium('the tamper-evidence browser test');

let env: TestEnv;
let http: { url: string; close(): Promise<void> };
let ws: Tenant;
let browser: Browser;
let page: Page;
let sealRuns = 0;
const logs = captureLogs('viewer-integrity');
/** Every request the page made for the published keys. */
const keyRequests: string[] = [];
const ids: Record<'ada' | 'grace' | 'late', string> = { ada: '', grace: '', late: '' };

const event = (who: string, n: number) => ({
  category: 'lock' as const,
  action: 'created',
  actor: { type: 'user' as const, id: `usr_${who}`, name: who },
  target: { type: 'stack', id: `stk_${n}`, name: `stack ${n}` },
  description: `Locked stack ${n} (${who})`,
  metadata: { reason: `incident ${n}`, ticket: { id: `INC-${n}`, severity: 'high' }, ratio: 0.1, big: 1e21 },
  context: { ip: '203.0.113.9' },
});

/** One sealing pass, as the Schedule runs it: the worker's activity registers its key, seals and announces. */
async function seal(): Promise<void> {
  try {
    const temporal = env.deps.temporal;
    if (!temporal) throw new Error('this test env has no Temporal client');
    await temporal.workflow.execute('checkpointSeal', {
      taskQueue: env.deps.config.TEMPORAL_TASK_QUEUE,
      workflowId: `viewer-seal-${++sealRuns}-${Date.now()}`,
      args: [],
    });
  } catch (err) {
    const why = logs
      .lines()
      .filter((l) => l.level === 'warn' || l.level === 40 || l.level === 50)
      .map((l) => JSON.stringify(l))
      .slice(-3);
    throw new Error(`the sealing pass failed: ${String(err)}\n${why.join('\n')}`);
  }
}

beforeAll(async () => {
  if (!hasChromium) return;
  env = await openTestEnv({}, { log: logs.log });
  ws = await env.tenant('enterprise');
  ids.ada = (await ws.caller.events.record(event('Ada', 1))).id;
  ids.grace = (await ws.caller.events.record(event('Grace', 2))).id;
  http = await env.http();
  await env.startWorker();
  browser = await openBrowser();
  page = await browser.newPage();
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/.well-known/audit-log-keys.json') keyRequests.push(r.url());
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await http?.close();
  await env?.close();
});

const idle = (p: Page) => p.waitForSelector('#events:not([aria-busy])');

async function signIn(p: Page): Promise<void> {
  await p.goto(`${http.url}/`);
  await p.fill('#key-input', ws.key);
  await p.press('#key-input', 'Enter');
  await p.waitForSelector('#log:not([hidden])');
  await idle(p);
}
const proofLine = (id: string) => page.locator(`tr.details[data-details-for="${id}"] .proof[role="status"]`);

async function expand(id: string): Promise<void> {
  const row = page.locator(`tr.event[data-id="${id}"]`);
  if ((await row.getAttribute('aria-expanded')) === 'true') await row.click();
  await row.click();
  await proofLine(id).waitFor();
  await expect.poll(() => proofLine(id).getAttribute('data-state')).not.toBe('checking');
}

describe.skipIf(!hasChromium)('tamper evidence in the audit log viewer', () => {
  it('says an event is not sealed yet before the first checkpoint', async () => {
    await signIn(page);
    await expand(ids.ada);
    expect(await proofLine(ids.ada).textContent()).toMatch(
      /^Not sealed yet: events are sealed into a signed checkpoint within about a minute$/,
    );
    expect(await proofLine(ids.ada).getAttribute('class')).toContain('pending');
    expect(await page.locator(`tr.details[data-details-for="${ids.ada}"] dt`).allTextContents()).toContain(
      'Tamper evidence',
    );
  });

  it('verifies in Chromium’s Web Crypto a proof made by the service’s core, and names what a forged one breaks', async () => {
    // Independent of the sealing pass: the proof and the key list are the core's, served to this tab only.
    const key = parseSigningKey(generateSigningKeyValue());
    const e = await ws.caller.events.get({ id: ids.ada });
    const hashes = [
      eventHash(e),
      ...Array.from({ length: 6 }, (_, i) => createHash('sha256').update(`other ${i}`).digest('hex')),
    ];
    const header: CheckpointHeader = {
      id: 'chk_test',
      workspaceId: ws.workspaceId,
      number: 7,
      count: hashes.length,
      seqs: [{ first: e.seq, last: e.seq + hashes.length - 1 }],
      from: e.seq,
      through: e.seq + hashes.length - 1,
      root: merkleRoot(hashes),
      previous: null,
      sealedAt: new Date().toISOString(),
      keyId: key.keyId,
    };
    const checkpoint: Checkpoint = { ...header, signature: signText(checkpointSigningInput(header), key) };
    let proof: unknown = {
      eventId: e.id,
      hash: hashes[0],
      seq: e.seq,
      sealed: true,
      checkpoint,
      leafIndex: 0,
      treeSize: hashes.length,
      path: inclusionPath(hashes, 0),
    };
    const tab = await browser.newPage();
    await tab.route('**/trpc/events.proof?*', (route) =>
      route.fulfill({ contentType: 'application/json', body: JSON.stringify({ result: { data: proof } }) }),
    );
    await tab.route('**/.well-known/audit-log-keys.json', (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({
          keys: [{ keyId: key.keyId, algorithm: 'Ed25519', publicKey: key.publicKey, status: 'active' }],
        }),
      }),
    );
    await signIn(tab);
    const line = tab.locator(`tr.details[data-details-for="${ids.ada}"] .proof[role="status"]`);
    const open = async () => {
      const row = tab.locator(`tr.event[data-id="${ids.ada}"]`);
      if ((await row.getAttribute('aria-expanded')) === 'true') await row.click();
      await row.click();
      await expect.poll(() => line.getAttribute('data-state')).not.toBe('checking');
      return line.textContent();
    };
    expect(await open()).toMatch(/^Verified in checkpoint #7, sealed /);
    await shot(tab, 'integrity-00-core-proof', { fullPage: false });
    proof = { ...(proof as object), checkpoint: { ...checkpoint, count: 8 } };
    expect(await open()).toBe("Verification failed: not included in checkpoint #7's root; signature does not verify");
    await shot(tab, 'integrity-00-core-proof-forged', { fullPage: false });
    proof = { ...(proof as object), checkpoint: { ...checkpoint, keyId: 'ed25519:0123456789abcdef' } };
    expect(await open()).toBe('Verification failed: unknown signing key ed25519:0123456789abcdef');
    proof = { eventId: e.id, hash: hashes[0], seq: e.seq, sealed: false };
    expect(await open()).toBe('Not sealed yet: events are sealed into a signed checkpoint within about a minute');
    await tab.close();
  });

  it('verifies a sealed event in the browser: hash, inclusion and signature', async () => {
    await seal();
    await page.reload();
    await idle(page);
    await expand(ids.ada);
    const line = proofLine(ids.ada);
    expect(await line.getAttribute('data-state'), (await line.textContent()) ?? '').toBe('verified');
    expect(await line.textContent()).toMatch(/^Verified in checkpoint #1, sealed .+/);
    expect(await line.getAttribute('class')).toBe('proof ok');
    await shot(page, 'integrity-01-verified');
    await expand(ids.grace);
    expect(await proofLine(ids.grace).textContent()).toMatch(/^Verified in checkpoint #1, sealed/);
  });

  it('verifies an event of a later checkpoint, and fetches the published keys once per page', async () => {
    ids.late = (await ws.caller.events.record(event('Late', 3))).id;
    await seal();
    await page.reload();
    await idle(page);
    keyRequests.length = 0;
    await expand(ids.late);
    expect(await proofLine(ids.late).textContent()).toMatch(/^Verified in checkpoint #2, sealed/);
    await expand(ids.ada);
    expect(await proofLine(ids.ada).textContent()).toMatch(/^Verified in checkpoint #1, sealed/);
    expect(keyRequests).toHaveLength(1);
  });

  it('reports a hash mismatch after the event’s metadata is changed in the database', async () => {
    const res = await env.deps.store.db
      .collection<{ _id: string }>('events')
      .updateOne({ _id: ids.grace }, { $set: { 'metadata.reason': 'nothing happened' } });
    expect(res.modifiedCount).toBe(1);
    await page.reload();
    await idle(page);
    await expand(ids.grace);
    const line = proofLine(ids.grace);
    expect(await line.textContent()).toBe('Verification failed: event hash does not match its contents');
    expect(await line.getAttribute('class')).toBe('proof failed');
    expect(await page.locator(`tr.details[data-details-for="${ids.grace}"] pre.metadata`).textContent()).toContain(
      'nothing happened',
    );
    await shot(page, 'integrity-02-tampered');
    // Its neighbours in the same checkpoint still verify.
    await expand(ids.ada);
    expect(await proofLine(ids.ada).getAttribute('data-state')).toBe('verified');
  });

  it('reports an event whose stored hash was rewritten to match: not in the checkpoint’s root', async () => {
    const events = env.deps.store.db.collection<{ _id: string; hash?: string }>('events');
    const full = await ws.caller.events.get({ id: ids.grace });
    const { default: canonicalize } = (await import(pathToFileURL(canonicalizeFile()).href)) as {
      default: (v: unknown) => string;
    };
    const fields = [
      'id',
      'workspaceId',
      'organizationId',
      'seq',
      'category',
      'action',
      'actor',
      'target',
      'description',
      'metadata',
      'occurredAt',
      'recordedAt',
      'context',
    ] as const;
    const forged = createHash('sha256')
      .update(canonicalize(Object.fromEntries(fields.map((f) => [f, full[f]]))))
      .digest('hex');
    await events.updateOne({ _id: ids.grace }, { $set: { hash: forged } });
    await page.reload();
    await idle(page);
    await expand(ids.grace);
    expect(await proofLine(ids.grace).textContent()).toBe("Verification failed: not included in checkpoint #1's root");
  });

  it('raised no uncaught error in the page', () => {
    expect(browser.pageErrors).toEqual([]);
  });
});
