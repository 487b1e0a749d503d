/**
 * A local receiver to point a destination at while trying the service:
 *   npm run receiver -- [--port=4000] [--secret=whsec_…] [--fail]
 * Prints one line per batch (how many events, which seqs, the signature check when a secret is
 * given) and answers 204, or 503 with --fail to watch retries and Redeliver on the Webhooks page.
 */
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { Webhook } from 'standardwebhooks';

const flag = (name: string) =>
  process.argv
    .find((a) => a === `--${name}` || a.startsWith(`--${name}=`))
    ?.split('=')
    .slice(1)
    .join('=');
const port = Number(flag('port') ?? 4000);
const secret = flag('secret');
const failing = flag('fail') !== undefined;
const verifier = secret ? new Webhook(secret) : null;

/** The seqs a body carries in any of the formats, for the printed line. */
function seqs(body: string): string {
  const found = [...body.matchAll(/"auditseq":\s*"?(\d+)/g)].map((m) => Number(m[1]));
  if (found.length === 0) return 'no audit events (a test event?)';
  const range = found.length === 1 ? `#${found[0]}` : `#${found[0]}…#${found.at(-1)}`;
  // A signed checkpoint is worth a mention: it is what a customer keeps to check the log later.
  const checkpoints = [...body.matchAll(/"type":\s*"pro\.atmos\.audit\.checkpoint"/g)].length;
  return checkpoints > 0 ? `${range} (${checkpoints} signed checkpoint${checkpoints === 1 ? '' : 's'})` : range;
}

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    const body = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
    let check = 'signature not checked (pass --secret=whsec_…)';
    if (verifier) {
      try {
        verifier.verify(body, headers);
        check = 'signature ok';
      } catch (err) {
        check = `SIGNATURE FAILED: ${(err as Error).message}`;
      }
    }
    const count = (body.match(/"auditseq"/g) ?? []).length;
    process.stdout.write(
      `${new Date().toISOString()} ${req.method} ${req.url} ${headers['webhook-id'] ?? ''} · ${count} event${count === 1 ? '' : 's'} ${seqs(body)} · ${check} · answered ${failing ? 503 : 204}\n`,
    );
    res.writeHead(failing ? 503 : 204).end();
  });
}).listen(port, '127.0.0.1', () =>
  process.stdout.write(
    `receiver listening on http://127.0.0.1:${port}/ (${failing ? 'answering 503' : 'answering 204'})\n`,
  ),
);
