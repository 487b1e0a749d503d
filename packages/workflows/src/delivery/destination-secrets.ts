import { decryptSecret, MISSING_KEY_MESSAGE, sealContext } from '@audit/shared/secret-box';
import type { WebhookDoc } from '@audit/store';

/** The secrets that sign now: the current one and any rotated out less than 24 hours ago. */
export function signingSecrets(key: Buffer | null, hook: WebhookDoc, now: Date): string[] {
  if (!key) throw new Error(MISSING_KEY_MESSAGE);
  return hook.secrets
    .filter((s) => s.expiresAt === null || s.expiresAt.getTime() > now.getTime())
    .map((s) => decryptSecret(key, s.sealed, sealContext.signingSecret(hook._id)));
}

export function customHeaders(key: Buffer | null, hook: WebhookDoc): Record<string, string> {
  if (hook.headers.length === 0) return {};
  if (!key) throw new Error(MISSING_KEY_MESSAGE);
  return Object.fromEntries(
    hook.headers.map((h) => [h.name, decryptSecret(key, h.sealed, sealContext.header(hook._id, h.name))]),
  );
}
