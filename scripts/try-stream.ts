/**
 * Against a running `WEBHOOK_ALLOW_PRIVATE=true npm start`: creates a tenant and a destination
 * pointed at a receiver in this process, records 2,000 events in four recordBatch calls, and
 * checks what arrived as a SIEM would (standardwebhooks, then the format's own parser).
 *   npx tsx scripts/try-stream.ts [--format=cloudevents|datadog|splunk-hec] [--api=http://localhost:3000]
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';

const flag = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const api = flag('api', 'http://localhost:3000');
const format = flag('format', 'cloudevents');
const admin = (process.env.ADMIN_TOKEN ?? (await readFile('.data/admin-token', 'utf8'))).trim();

async function call(path: string, input: unknown, token: string): Promise<any> {
  const res = await fetch(`${api}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { result?: { data: unknown }; error?: unknown };
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body.error)}`);
  return body.result!.data;
}

/**
 * Each format's own reading of a body: the seqs of the recorded events it carries, in order. A
 * signed checkpoint (which passes every category filter) is not one of them.
 */
const CHECKPOINT = 'pro.atmos.audit.checkpoint';
function seqsIn(headers: Record<string, string>, body: string): number[] {
  if (format === 'datadog')
    return (JSON.parse(body) as { audit: { type: string; auditseq: string } }[])
      .filter((e) => e.audit.type !== CHECKPOINT)
      .map((e) => Number(e.audit.auditseq));
  if (format === 'splunk-hec')
    return body
      .split('\n')
      .map((line) => (JSON.parse(line) as { event: { type: string; auditseq: string } }).event)
      .filter((e) => e.type !== CHECKPOINT)
      .map((e) => Number(e.auditseq));
  const events = HTTP.toEvent({ headers, body });
  return (Array.isArray(events) ? events : [events])
    .filter((e) => e.type !== CHECKPOINT)
    .map((e) => Number(e['auditseq']));
}

const requests: { headers: Record<string, string>; body: string }[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    requests.push({
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
      body: Buffer.concat(chunks).toString('utf8'),
    });
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/siem`;

const org = await call('admin.organizations.create', { name: 'try-stream' }, admin);
const ws = await call('admin.workspaces.create', { organizationId: org.id, name: 'prod', plan: 'enterprise' }, admin);
const { key } = await call(
  'admin.apiKeys.create',
  { workspaceId: ws.id, scopes: ['events:write', 'webhooks:manage'] },
  admin,
);
const { webhook, secret } = await call('webhooks.create', { url, format, categories: ['lock'] }, key);
const started = Date.now();
const recorded: number[] = [];
for (let b = 0; b < 4; b++) {
  const events = Array.from({ length: 500 }, (_, i) => ({
    category: 'lock',
    action: 'created',
    actor: { type: 'user', id: 'usr_1' },
    target: { type: 'stack', id: `stk_${b * 500 + i}` },
  }));
  recorded.push(...(await call('events.recordBatch', { events }, key)).events.map((e: { seq: number }) => e.seq));
}
const deadline = Date.now() + 60_000;
while (requests.flatMap((r) => seqsIn(r.headers, r.body)).length < recorded.length && Date.now() < deadline)
  await new Promise((r) => setTimeout(r, 50));
const arrived = Date.now() - started;
for (const r of requests) new Webhook(secret).verify(r.body, r.headers, { jsonParse: false });
const seqs = requests.flatMap((r) => seqsIn(r.headers, r.body));
const sizes = requests.map((r) => seqsIn(r.headers, r.body).length);
const inOrder = JSON.stringify(seqs) === JSON.stringify(recorded);
console.log(
  `${format}: ${seqs.length} of ${recorded.length} events in ${requests.length} requests (largest ${Math.max(...sizes)}), in seq order: ${inOrder}, every signature verified, ${arrived} ms from the first record call`,
);
console.log(
  `stream: ${JSON.stringify(((await (await fetch(`${api}/trpc/webhooks.get?input=${encodeURIComponent(JSON.stringify({ id: webhook.id }))}`, { headers: { authorization: `Bearer ${key}` } })).json()) as any).result.data.stream)}`,
);
server.close();
process.exit(inOrder && seqs.length === recorded.length ? 0 : 1);
