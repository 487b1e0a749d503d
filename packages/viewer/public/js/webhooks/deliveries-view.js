// @ts-check
import { exactTime, relativeTime } from '../format.js';
import { h } from '../dom.js';

/**
 * @typedef {{ id: string, kind: string, eventIds: string[], seqs: { first: number, last: number }, count: number, status: string, attemptCount: number,
 *   createdAt: string, lastAttemptAt: string | null, nextAttemptAt: string | null, lastResponseStatus: number | null, lastError: string | null,
 *   attempts: { attempt: number, bytes: number, trigger: string, status: string, responseStatus: number | null, responseBody: string | null, durationMs: number,
 *   error: string | null, startedAt: string, nextAttemptAt: string | null }[] }} Delivery
 */

/**
 * Recent deliveries (batches), newest first; a row opens its attempts. `redeliver` sends the same
 * batch again, under the same `webhook-id`.
 * @param {HTMLElement} tbody @param {Delivery[]} items @param {{ append: boolean, redeliver: (d: Delivery, button: HTMLButtonElement) => void, open: Set<string> }} o
 */
export function renderDeliveries(tbody, items, o) {
  const rows = items.flatMap((d) => {
    const main = deliveryRow(d, o);
    return o.open.has(d.id) ? [main, attemptsRow(d)] : [main];
  });
  if (o.append) tbody.append(...rows);
  else tbody.replaceChildren(...rows);
}

/** @param {Delivery} d @param {{ redeliver: (d: Delivery, button: HTMLButtonElement) => void, open: Set<string> }} o */
function deliveryRow(d, o) {
  const redeliver = /** @type {HTMLButtonElement} */ (
    h(
      'button',
      {
        type: 'button',
        class: 'small',
        'data-redeliver': d.id,
        disabled: d.status === 'pending',
        title: d.status === 'pending' ? 'Still being delivered' : 'Send this batch again, with the same webhook-id',
      },
      'Redeliver',
    )
  );
  redeliver.addEventListener('click', (ev) => {
    ev.stopPropagation();
    o.redeliver(d, redeliver);
  });
  const response = d.lastResponseStatus ? `HTTP ${d.lastResponseStatus}` : d.lastError ? 'no response' : '—';
  const row = h(
    'tr',
    {
      class: 'delivery',
      tabindex: 0,
      'data-id': d.id,
      'data-status': d.status,
      'aria-expanded': String(o.open.has(d.id)),
      title: 'Show attempts',
    },
    h(
      'td',
      {},
      h(
        'span',
        { class: 'line1', 'data-time': d.createdAt, title: exactTime(d.createdAt, true) },
        relativeTime(d.createdAt),
      ),
      h('span', { class: 'line2 mono' }, d.id),
    ),
    h(
      'td',
      {},
      h('span', { class: 'line1' }, `${d.count} event${d.count === 1 ? '' : 's'}`),
      h(
        'span',
        { class: 'line2' },
        d.count > 0
          ? `#${d.seqs.first}${d.seqs.last !== d.seqs.first ? `–#${d.seqs.last}` : ''}${d.kind === 'replay' ? ' · replay' : ''}`
          : d.kind,
      ),
    ),
    h(
      'td',
      {},
      h('span', { class: `status-badge tone-${tone(d.status)}` }, d.status),
      h('span', { class: 'line2' }, `${d.attemptCount} attempt${d.attemptCount === 1 ? '' : 's'}`),
    ),
    h(
      'td',
      {},
      h('span', { class: 'line1' }, response),
      h(
        'span',
        { class: 'line2', title: d.lastError ?? '' },
        d.lastError ?? (d.nextAttemptAt ? `next ${relativeTime(d.nextAttemptAt)}` : ''),
      ),
    ),
    h('td', { class: 'actions' }, redeliver),
  );
  const toggle = () => {
    const next = row.nextElementSibling;
    if (next?.classList.contains('attempts')) {
      next.remove();
      o.open.delete(d.id);
      row.setAttribute('aria-expanded', 'false');
    } else {
      row.after(attemptsRow(d));
      o.open.add(d.id);
      row.setAttribute('aria-expanded', 'true');
    }
  };
  row.addEventListener('click', toggle);
  row.addEventListener('keydown', (ev) => {
    if (ev.target === row && (ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault();
      toggle();
    }
  });
  return row;
}

/** @param {Delivery} d */
function attemptsRow(d) {
  const attempts =
    d.attempts.length === 0
      ? h('p', { class: 'hint' }, 'No attempt yet.')
      : h(
          'table',
          { class: 'attempts-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['#', 'Trigger', 'Status', 'Response', 'Duration', 'Size', 'Started', 'Next attempt', 'Error'].map(
                (t) => h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            ...d.attempts.map((a) =>
              h(
                'tr',
                { 'data-attempt': a.attempt },
                h('td', {}, String(a.attempt)),
                h('td', {}, a.trigger),
                h('td', {}, h('span', { class: `status-badge tone-${tone(a.status)}` }, a.status)),
                h('td', {}, a.responseStatus ? `HTTP ${a.responseStatus}` : '—'),
                h('td', {}, `${a.durationMs} ms`),
                h('td', {}, bytes(a.bytes)),
                h('td', { title: exactTime(a.startedAt, true) }, relativeTime(a.startedAt)),
                h('td', {}, a.nextAttemptAt ? relativeTime(a.nextAttemptAt) : '—'),
                h(
                  'td',
                  { class: 'error-cell' },
                  a.error ?? '',
                  a.responseBody ? h('pre', { class: 'body-excerpt' }, a.responseBody.slice(0, 500)) : null,
                ),
              ),
            ),
          ),
        );
  return h(
    'tr',
    { class: 'attempts', 'data-attempts-for': d.id },
    h(
      'td',
      { colspan: 5 },
      attempts,
      h(
        'p',
        { class: 'hint' },
        `Events: ${d.eventIds.slice(0, 5).join(', ')}${d.eventIds.length > 5 ? ` and ${d.eventIds.length - 5} more` : ''}`,
      ),
    ),
  );
}

/** @param {string} status */
export function tone(status) {
  return status === 'succeeded' ? 'ok' : status === 'failed' ? 'bad' : 'warn';
}

/** @param {number} n */
function bytes(n) {
  if (!n) return '—';
  return n < 1024
    ? `${n} B`
    : n < 1_048_576
      ? `${Math.round(n / 102.4) / 10} KB`
      : `${Math.round(n / 104_857.6) / 10} MB`;
}
