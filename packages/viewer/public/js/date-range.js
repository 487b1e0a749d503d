// @ts-check

/** The presets, as `range=` in the URL. They are relative: a shared link means "the last hour" when opened. */
export const PRESETS = /** @type {const} */ ({
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
});
export const PRESET_LABELS = /** @type {const} */ ({
  '': 'Any time',
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  custom: 'Custom range',
});

/** @typedef {'' | keyof typeof PRESETS | 'custom'} RangeKind */

/** @param {string | null} raw @returns {RangeKind} */
export function readRange(raw) {
  return raw === 'custom' || (raw !== null && raw in PRESETS) ? /** @type {RangeKind} */ (raw) : '';
}

/** An ISO instant the API accepts, or '' for anything else. @param {string | null} raw */
export function readInstant(raw) {
  if (!raw || raw.length > 40 || Number.isNaN(Date.parse(raw))) return '';
  return new Date(raw).toISOString();
}

/**
 * The API's `from` (inclusive) and `to` (exclusive) for a range, at `now`.
 * @param {{ range: RangeKind, from: string, to: string }} s @param {number} now
 * @returns {{ from?: string, to?: string }}
 */
export function rangeBounds(s, now) {
  if (s.range === '') return {};
  if (s.range === 'custom') return { ...(s.from ? { from: s.from } : {}), ...(s.to ? { to: s.to } : {}) };
  return { from: new Date(now - PRESETS[s.range]).toISOString() };
}

/** Live tail only makes sense when new events can fall in the range. @param {{ range: RangeKind, to: string }} s @param {number} now */
export function rangeIncludesNow(s, now) {
  return s.range !== 'custom' || !s.to || Date.parse(s.to) > now;
}

/**
 * `<input type="datetime-local">` holds a wall-clock time without a zone: the page reads it in
 * UTC when the UTC toggle is on, else in the browser's zone, and shows it back the same way.
 * @param {string} iso @param {boolean} utc
 */
export function toLocalInput(iso, utc) {
  if (!iso) return '';
  const d = new Date(iso);
  const shifted = utc ? d : new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return shifted.toISOString().slice(0, 16);
}

/** @param {string} value @param {boolean} utc @returns {string} '' when empty or unreadable */
export function fromLocalInput(value, utc) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return '';
  const ms = utc ? Date.parse(`${value}Z`) : new Date(value).getTime();
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}

/** For the status line. @param {{ range: RangeKind, from: string, to: string }} s @param {(iso: string) => string} show */
export function describeRange(s, show) {
  if (s.range !== 'custom') return s.range === '' ? '' : PRESET_LABELS[s.range].toLowerCase();
  if (s.from && s.to) return `${show(s.from)} – ${show(s.to)}`;
  if (s.from) return `since ${show(s.from)}`;
  if (s.to) return `before ${show(s.to)}`;
  return '';
}
