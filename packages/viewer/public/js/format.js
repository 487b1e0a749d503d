// @ts-check
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const UNITS = /** @type {const} */ ([
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
]);

/** "3 minutes ago". @param {string} iso @param {number} now */
export function relativeTime(iso, now = Date.now()) {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** "2026-11-30 05:00:12 UTC", or the same in the browser's zone. @param {string} iso @param {boolean} utc */
export function exactTime(iso, utc) {
  const d = new Date(iso);
  if (utc)
    return `${d
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d{3}Z$/, '')} UTC`;
  return d.toLocaleString(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  });
}

/** The second line of the time column. @param {string} iso @param {boolean} utc */
export function shortTime(iso, utc) {
  const d = new Date(iso);
  if (utc) return `${d.toISOString().slice(5, 16).replace('T', ' ')} UTC`;
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
