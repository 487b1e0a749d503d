// @ts-check
import { relativeTime } from '../format.js';

/**
 * How a destination reads at a glance. Pure: the list, the destination view and the unit test
 * use the same words.
 * @typedef {{ id: string, url: string, description: string | null, headers: { name: string, value: string }[], categories: string[],
 *   format: string, batchSize: number, compression: string, enabled: boolean, disabledReason: 'manual' | 'gone' | 'failing' | null,
 *   disabledAt: string | null, secretHint: string, previousSecretExpiresAt: string | null, failingSince: string | null,
 *   lastSuccessAt: string | null, createdAt: string, updatedAt: string, stream: null | { state: string, deliveredThrough: { seq: number, recordedAt: string } | null,
 *   backlog: number, lagSeconds: number, nextAttemptAt: string | null, lastDelivery: { at: string, status: string, responseStatus: number | null } | null } }} Hook
 */

export const FORMATS = /** @type {const} */ ([
  [
    'cloudevents',
    'CloudEvents (batch)',
    'A JSON array of CloudEvents v1.0 per request: the default, for any receiver.',
  ],
  [
    'datadog',
    'Datadog Logs',
    "Datadog's Logs intake (v2): reserved attributes at the top, the event under `audit`. Add a DD-API-KEY header.",
  ],
  [
    'splunk-hec',
    'Splunk HEC',
    'Splunk HTTP Event Collector events, one per line. Add an Authorization: Splunk <token> header.',
  ],
  [
    'cloudevents-structured',
    'CloudEvents (one per request, structured)',
    'One event per request as application/cloudevents+json. Batch size is 1.',
  ],
  [
    'cloudevents-binary',
    'CloudEvents (one per request, binary)',
    'One event per request, attributes in ce-* headers. Batch size is 1.',
  ],
]);

export const SINGLE_EVENT = ['cloudevents-structured', 'cloudevents-binary'];

/** @param {string} format */
export function formatLabel(format) {
  return FORMATS.find(([id]) => id === format)?.[1] ?? format;
}

/** A query string can carry a token: it is never shown, only that there is one. @param {string} raw */
export function redactUrl(raw) {
  try {
    const url = new URL(raw);
    return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
  } catch {
    return raw;
  }
}

/** @param {Hook} hook @param {number} now @returns {{ label: string, tone: 'ok' | 'off' | 'bad' | 'warn', detail: string }} */
export function statusOf(hook, now) {
  if (!hook.enabled) {
    const when = hook.disabledAt ? relativeTime(hook.disabledAt, now) : '';
    if (hook.disabledReason === 'failing')
      return {
        label: 'Automatically disabled',
        tone: 'bad',
        detail: `Every delivery failed for 5 days; disabled ${when}`,
      };
    if (hook.disabledReason === 'gone')
      return {
        label: 'Automatically disabled',
        tone: 'bad',
        detail: `The receiver answered 410 Gone; disabled ${when}`,
      };
    return { label: 'Disabled', tone: 'off', detail: when ? `Disabled ${when}` : 'Disabled' };
  }
  const state = hook.stream?.state;
  if (state === 'paused')
    return {
      label: 'Paused',
      tone: 'warn',
      detail: 'The workspace is not on the Enterprise plan: events wait until it is',
    };
  if (state === 'retrying')
    return {
      label: 'Retrying',
      tone: 'warn',
      detail: hook.stream?.nextAttemptAt ? `Next attempt ${relativeTime(hook.stream.nextAttemptAt, now)}` : 'Retrying',
    };
  if (hook.failingSince)
    return { label: 'Failing', tone: 'bad', detail: `Failing since ${relativeTime(hook.failingSince, now)}` };
  return { label: 'Enabled', tone: 'ok', detail: 'Streaming' };
}

/** "3 days ago · failed · HTTP 500", or "Never". @param {Hook} hook @param {number} now */
export function lastDeliveryText(hook, now) {
  const last = hook.stream?.lastDelivery;
  if (!last) return { text: 'No delivery yet', when: 'No delivery yet', outcome: '', tone: 'off' };
  const when = relativeTime(last.at, now);
  const outcome = `${last.status}${last.responseStatus ? ` · HTTP ${last.responseStatus}` : ''}`;
  return {
    text: `${when} · ${outcome}`,
    when,
    outcome,
    tone: last.status === 'succeeded' ? 'ok' : last.status === 'failed' ? 'bad' : 'warn',
  };
}

/** "Caught up", or "1,204 events behind · 12 s". @param {Hook} hook */
export function lagText(hook) {
  const s = hook.stream;
  if (!s) return 'Starting…';
  if (s.backlog === 0) return 'Caught up';
  return `${s.backlog.toLocaleString('en')} event${s.backlog === 1 ? '' : 's'} behind${s.lagSeconds > 0 ? ` · ${duration(s.lagSeconds)}` : ''}`;
}

/** @param {number} seconds */
export function duration(seconds) {
  if (seconds < 60) return `${Math.round(seconds * 10) / 10} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.round(seconds / 360) / 10} h`;
  return `${Math.round(seconds / 8640) / 10} d`;
}

/** @param {string[]} categories */
export function categoriesText(categories) {
  return categories.length === 0 ? 'All categories' : categories.join(', ');
}
