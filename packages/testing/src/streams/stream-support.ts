import { CloudEvent, HTTP } from 'cloudevents';
import { gunzipSync } from 'node:zlib';
import { Webhook } from 'standardwebhooks';
import type { ReceivedRequest } from '../webhook-receiver.ts';

export const lockCreated = (n = 0, extra: Record<string, unknown> = {}) => ({
  category: 'lock' as const,
  action: 'created',
  actor: { type: 'user' as const, id: 'usr_1', name: 'Ada Lovelace', email: 'ada@example.com' },
  target: { type: 'stack', id: `stk_${n}`, name: 'prod vpc' },
  description: `Locked stack ${n}`,
  metadata: { reason: 'incident 42', n },
  context: { ip: '203.0.113.9' },
  ...extra,
});

/** The body as a receiver's HTTP stack hands it over: `content-encoding` undone. */
export function bodyOf(req: ReceivedRequest): string {
  return req.headers['content-encoding'] === 'gzip' ? gunzipSync(req.raw).toString('utf8') : req.body;
}

/** Verified with the public Standard Webhooks library; `jsonParse: false` since not every format is one JSON document. */
export function verifySignature(req: ReceivedRequest, secret: string): void {
  new Webhook(secret).verify(bodyOf(req), req.headers, { jsonParse: false });
}

/** Exactly what a receiver does: verify with the public library, then parse with the SDK. */
export function verifyBatch(req: ReceivedRequest, secret: string): CloudEvent<Record<string, any>>[] {
  verifySignature(req, secret);
  const body = bodyOf(req);
  const parsed = HTTP.toEvent({ headers: req.headers, body });
  return (Array.isArray(parsed) ? parsed : [parsed]) as CloudEvent<Record<string, any>>[];
}

/**
 * The `auditseq` of every recorded event of every request, in arrival order. Destinations that
 * take every category also get the service's own events (their creation, say): left out here.
 */
export function seqsOf(reqs: ReceivedRequest[], secret: string, type = 'pro.atmos.lock.created'): number[] {
  return reqs.flatMap((r) =>
    verifyBatch(r, secret)
      .filter((e) => e.type === type)
      .map((e) => Number(e['auditseq'])),
  );
}
