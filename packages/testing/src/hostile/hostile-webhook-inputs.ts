import fc from 'fast-check';
import { CATEGORIES, WEBHOOK_FORMATS } from '@audit/shared';
import { hostileString, hostileValue, OPERATOR_KEYS, POLLUTION_KEYS } from './hostile-arbitraries.ts';

/**
 * Canaries in every header value, URL password and URL query: none may ever come back in an
 * answer or land in an audit event, whatever else happens to the input around them.
 */
export const CANARY = /\b(?:hv|pw|qt)_[0-9a-f]{12}\b/;
const canary = (kind: 'hv' | 'pw' | 'qt') => fc.stringMatching(/^[0-9a-f]{12}$/).map((hex) => `${kind}_${hex}`);

/** The caller's own ids first, then another tenant's. */
export interface WebhookPools {
  webhookIds: string[];
  deliveryIds: string[];
  /** Events of both tenants, for `webhooks.deliveries({ eventId })`. */
  eventIds: string[];
  workspaceIds: string[];
}

const junk = () => hostileValue({ jsonOnly: true });
/** Mostly a plausible value, sometimes anything at all. */
const field = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 8, arbitrary: plausible }, { weight: 1, arbitrary: junk() });

const SCHEMES = ['https', 'http', 'HTTPS', 'hTtP', 'ftp', 'file', 'javascript', 'data', 'gopher', 'ws', 'wss', ''];
const HOSTS = [
  'siem.example.com',
  '127.0.0.1',
  '0.0.0.0',
  '10.1.2.3',
  '169.254.169.254',
  '[::1]',
  '[::]',
  '[fe80::1]',
  '[fe80::1%25eth0]',
  '[::ffff:127.0.0.1]',
  '[::ffff:169.254.169.254]',
  '[2001:db8::1]',
  '[64:ff9b::a9fe:a9fe]',
  '2130706433',
  '0x7f.0.0.1',
  '0177.0.0.1',
  'localhost',
  'a.localhost',
  'LOCALHOST.',
  'metadata.google.internal',
  'exa\r\nmple.com',
  'exa mple.com',
  '',
  'xn--nxasmq6b.example',
];
const PORTS = ['', ':0', ':1', ':443', ':8080', ':65535', ':65536', ':99999', ':-1', ':a'];

const strangeUrl: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...SCHEMES),
    fc.oneof(
      fc.constant(''),
      canary('pw').map((pw) => `user:${pw}@`),
      fc.constant(':@'),
      fc.constant('%00@'),
      canary('pw').map((pw) => `${pw}@`),
    ),
    fc.constantFrom(...HOSTS),
    fc.constantFrom(...PORTS),
    fc.oneof(
      fc.constantFrom(
        '/',
        '',
        '/hook',
        '/#frag',
        '/%0d%0aX-Injected:%201',
        '/\r\nX-Injected: 1',
        `/${'a'.repeat(3000)}`,
      ),
      canary('qt').map((qt) => `/in?token=${qt}`),
    ),
  )
  .map(([scheme, auth, host, port, path]) => `${scheme}://${auth}${host}${port}${path}`);
const url = fc.oneof(
  { weight: 2, arbitrary: strangeUrl },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'https://siem.example.com/hook',
      'https://[2001:db8::1]:8443/in',
      'http://127.0.0.1:9/hook',
    ),
  },
);

const headerName = fc.oneof(
  fc.constantFrom('X-Api-Key', 'Authorization', 'X-Splunk-Token', 'x-a', 'X-A'),
  fc.constantFrom(
    'X-A\r\nX-Injected',
    'X-A\n',
    'X A',
    'Content-Type',
    'content-length',
    'Host',
    'webhook-id',
    'Webhook-Signature',
    'ce-id',
    ':authority',
    'Transfer-Encoding',
    '',
  ),
  fc.constantFrom(...OPERATOR_KEYS, ...POLLUTION_KEYS, 'a.b', 'ünï', 'x'.repeat(101)),
);
const headerValue = fc
  .tuple(
    canary('hv'),
    fc.constantFrom('', '\r\nX-Injected: 1', '\n', '\u0000', 'é', '\t ok', 'x'.repeat(3000), '\ud800'),
  )
  .map(([c, tail]) => `${c}${tail}`);
const headers = fc.oneof(
  fc.dictionary(fc.constantFrom('X-Api-Key', 'Authorization', 'X-Splunk-Token'), canary('hv'), { maxKeys: 3 }),
  fc.dictionary(headerName, headerValue, { maxKeys: 24 }),
);

const categories = fc.oneof(
  { weight: 2, arbitrary: fc.subarray([...CATEGORIES]) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom(...CATEGORIES), hostileString), { maxLength: 30 }) },
);
/** Instants around the edges that matter: now, the future, inside and past retention (365 days on Enterprise), and malformed. */
const DAY = 86_400_000;
const instant = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.integer({ min: -400, max: 2 }).map((days) => new Date(Date.now() + days * DAY).toISOString()),
  },
  {
    weight: 2,
    arbitrary: fc
      .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: -7_200, max: 7_200 })
      .map((s) => new Date(Date.now() + s * 1000).toISOString().replace('Z', '+00:00')),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '2026-13-45T00:00:00Z',
      '0000-01-01T00:00:00Z',
      'yesterday',
      '',
      'now',
      '2026-11-30',
      '2026-11-30T05:00:00',
      '+275760-09-13T00:00:00.000Z',
    ),
  },
);
/**
 * The stream settings: mostly left out or a value the procedure takes, one time in ten a value
 * just past a bound or anything at all. Refused less often than `field`, so that with four of
 * them in a record enough inputs still get through to the store.
 */
const mostly = <T, U>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<U>) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 5, arbitrary: valid },
    { weight: 1, arbitrary: fc.oneof({ weight: 3, arbitrary: invalid }, { weight: 1, arbitrary: junk() }) },
  );
const streamSettings = {
  format: mostly(
    fc.constantFrom(...WEBHOOK_FORMATS),
    fc.constantFrom('structured', 'binary', 'Cloudevents', 'xml', '$gt', ''),
  ),
  batchSize: mostly(
    fc.integer({ min: 1, max: 100 }),
    fc.oneof(
      fc.integer({ min: -5, max: 150 }),
      fc.constantFrom(0, 101, 2.5, Number.MAX_SAFE_INTEGER, -0, 1e21, Number.NaN, '10', '1e2', null),
    ),
  ),
  compression: mostly(fc.constantFrom('none', 'gzip'), fc.constantFrom('GZIP', 'brotli', 'deflate', '', '$ne', null)),
};
/** Within an Enterprise workspace's retention and not in the future, or 'now'. */
const pastInstant = fc.oneof(
  fc.constant('now'),
  fc.integer({ min: 60, max: 364 * 86_400 }).map((s) => new Date(Date.now() - s * 1000).toISOString()),
);

const pick = <T>(pool: T[], junkId: string) => fc.oneof(fc.constantFrom(...pool), fc.constant(junkId), hostileString);
const optionalRecord = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.record(fields) },
    { weight: 4, arbitrary: fc.record(fields, { requiredKeys: [] }) },
    { weight: 1, arbitrary: junk() },
  );

export function webhookInputs(p: WebhookPools): Record<string, fc.Arbitrary<unknown>> {
  // The caller's own workspace and ids most often, so that inputs get past the lookups to the store.
  const workspaceId = field(
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(p.workspaceIds[0]!) },
      { weight: 1, arbitrary: fc.constantFrom(...p.workspaceIds) },
    ),
  );
  const webhookId = field(
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(p.webhookIds[0]!) },
      { weight: 1, arbitrary: pick(p.webhookIds, 'whk_01ARZ3NDEKTSV4RRFFQ69G5FAV') },
    ),
  );
  const destination = {
    url: field(url),
    description: field(fc.oneof(fc.string({ maxLength: 40 }), hostileString)),
    headers: field(headers),
    categories: field(categories),
    ...streamSettings,
  };
  return {
    'webhooks.create': optionalRecord({ workspaceId, ...destination, startFrom: mostly(pastInstant, instant) }),
    'webhooks.update': optionalRecord({
      workspaceId,
      id: webhookId,
      ...destination,
      description: field(fc.oneof(hostileString, fc.constant(null))),
      enabled: field(fc.boolean()),
      // Only with enabled: true; without it, even a valid value is refused.
      resumeFrom: fc.oneof(
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: mostly(fc.constantFrom('position', 'now'), fc.constantFrom('Now', 'start', '', null)) },
      ),
    }),
    'webhooks.test': optionalRecord({ workspaceId, id: webhookId }),
    'webhooks.deliveries': optionalRecord({
      workspaceId,
      webhookId,
      eventId: field(
        fc.oneof(fc.constantFrom(...p.eventIds), fc.constant('evt_01ARZ3NDEKTSV4RRFFQ69G5FAV'), hostileString),
      ),
      status: field(fc.constantFrom('pending', 'succeeded', 'failed', '$ne')),
      cursor: field(
        fc.oneof(
          hostileString,
          fc.base64String({ maxLength: 80 }),
          fc.constantFrom(...p.deliveryIds).map((id) => Buffer.from(`d:${id}`).toString('base64url')),
        ),
      ),
      limit: field(fc.integer({ min: -5, max: 200 })),
    }),
    'webhooks.redeliver': optionalRecord({
      workspaceId,
      deliveryId: field(pick(p.deliveryIds, 'dlv_01ARZ3NDEKTSV4RRFFQ69G5FAV')),
    }),
    'webhooks.recover': optionalRecord({
      workspaceId,
      webhookId,
      since: field(
        fc.oneof(
          fc
            .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
            .map((d) => d.toISOString()),
          fc.constantFrom('2026-13-45T00:00:00Z', '0000-01-01T00:00:00Z', 'yesterday'),
        ),
      ),
    }),
    'webhooks.replay': optionalRecord({
      workspaceId,
      id: webhookId,
      since: field(
        fc.oneof(
          pastInstant.filter((v) => v !== 'now'),
          instant,
        ),
      ),
      until: mostly(fc.constant(new Date().toISOString()), instant),
    }),
  };
}
