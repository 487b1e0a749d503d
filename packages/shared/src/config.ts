import { z } from 'zod';
import { parseRetrySchedule } from './delivery-policy.ts';
import { RateLimitConfigFields } from './rate-limits.ts';

const port = z.coerce.number().int().min(1).max(65535);
const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .default('false')
  .transform((v) => v === 'true' || v === '1');

/**
 * Everything the processes read from the environment. Parsing is pure (the env is an argument);
 * each process calls it once at start-up and stops with the offending variable named.
 */
export const ConfigSchema = z.object({
  PORT: port.default(3000),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, { message: 'must be a mongodb:// or mongodb+srv:// URI' }),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, { message: 'must be 1-63 letters, digits, _ or -' })
    .default('audit_log'),
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d{1,5}$/, { message: 'must be host:port' }),
  TEMPORAL_NAMESPACE: z.string().min(1).max(255).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).max(200).default('audit-log'),
  ADMIN_TOKEN: z.string().min(24, { message: 'must be at least 24 characters' }).max(512),
  PUBLIC_BASE_URL: z.url({ message: 'must be an absolute URL' }).optional(),
  /** Local development only: lets webhooks reach http:// and private addresses. */
  WEBHOOK_ALLOW_PRIVATE: flag,
  /**
   * Tests and drills: with WEBHOOK_ALLOW_PRIVATE, connect to loopback addresses only, so no
   * generated or mistyped destination can make the worker reach past this machine.
   */
  WEBHOOK_LOOPBACK_ONLY: flag,
  /** Comma-separated delays between delivery attempts, e.g. `0,5s,5m,30m,2h`. */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .max(500)
    .superRefine((v, ctx) => {
      try {
        parseRetrySchedule(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^WEBHOOK_RETRY_SCHEDULE: /, '') });
      }
    })
    .optional(),
  /** How long a batch that is not full waits for more events before it goes. */
  WEBHOOK_LINGER_MS: z.coerce
    .number()
    .int()
    .min(0, { message: 'must be at least 0' })
    .max(10_000, { message: 'must be at most 10000' })
    .default(500),
  /**
   * How far before the start of its previous pass the stream supervisor looks for changed
   * destinations and active workspaces: covers clock skew between processes and writes in flight,
   * and must outlast the 5 s a stream may sleep before the supervisor counts it as behind.
   */
  STREAM_SUPERVISOR_LOOKBACK_MS: z.coerce
    .number()
    .int()
    .min(6_000, { message: 'must be at least 6000 (longer than the 5 s a stream sleeps before it counts as behind)' })
    .max(3_600_000, { message: 'must be at most 3600000 (1 hour)' })
    .default(120_000),
  /** 32 bytes, base64: encrypts webhook header values and signing secrets at rest. */
  SECRET_ENCRYPTION_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be 32 bytes, base64 (e.g. openssl rand -base64 32)' })
    .optional(),
  /** Events per delete statement in the retention purge. */
  RETENTION_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Pause between purge batches, leaving the database room for the API's reads. */
  RETENTION_BATCH_PAUSE_MS: z.coerce.number().int().min(0).max(60_000).default(50),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Human-readable log lines; `npm start` sets it when a person watches its terminal. */
  LOG_PRETTY: flag,
  /** The worker's /metrics, /healthz and /readyz port; 0 turns it off. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /** How often the Schedule seals a checkpoint per workspace with new events: `30s`, `1m`, `5m`… (10 s to 1 h). */
  CHECKPOINT_INTERVAL: z
    .string()
    .regex(/^[1-9]\d{0,4}(s|m|h)$/, { message: 'must be a duration like 30s, 1m or 1h' })
    .default('1m')
    .transform((v) => Number(v.slice(0, -1)) * { s: 1_000, m: 60_000, h: 3_600_000 }[v.slice(-1) as 's' | 'm' | 'h'])
    .refine((ms) => ms >= 10_000 && ms <= 3_600_000, { message: 'must be between 10s and 1h' }),
  /**
   * Ed25519 private key that signs checkpoints and purge records: base64 PKCS#8 DER or PEM. The
   * worker needs it; development setups (WEBHOOK_ALLOW_PRIVATE) derive one when it is unset.
   */
  AUDIT_SIGNING_KEY: z
    .string()
    .min(40, { message: 'must be an Ed25519 private key (base64 PKCS#8 or PEM)' })
    .max(4096)
    .optional(),
  /** Requests per window, per API key and per workspace, for each kind of call (see rate-limits.ts). */
  ...RateLimitConfigFields,
});

export type Config = z.infer<typeof ConfigSchema> & { PUBLIC_BASE_URL: string };

export class ConfigError extends Error {}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = ConfigSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const cfg = result.data;
  return { ...cfg, PUBLIC_BASE_URL: (cfg.PUBLIC_BASE_URL ?? `http://localhost:${cfg.PORT}`).replace(/\/+$/, '') };
}
