import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PREFIX = 'atk_';

/** 256 random bits; the prefix lets secret scanners recognise leaked keys. */
export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

const HINT_ELLIPSIS = '…';

export function keyHint(key: string): string {
  return `${key.slice(0, KEY_PREFIX.length + 6)}${HINT_ELLIPSIS}`;
}

/** The visible start of a key from its stored hint: `key.startsWith(prefix)` tells keys apart. */
export function keyPrefix(hint: string): string {
  return hint.endsWith(HINT_ELLIPSIS) ? hint.slice(0, -HINT_ELLIPSIS.length) : hint;
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(KEY_PREFIX) && value.length <= 100;
}

export function constantTimeEquals(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
