// @ts-check
import { fromLocalInput } from '../date-range.js';
import { h } from '../dom.js';
import { exactTime, relativeTime } from '../format.js';
import { categoriesText, duration, formatLabel, lagText, lastDeliveryText, redactUrl, statusOf } from './describe.js';
import { statusBadge } from './list-view.js';

/**
 * @typedef {{ test: (out: HTMLElement, button: HTMLButtonElement) => Promise<void>, toggle: () => Promise<void>, edit: () => void, rotate: () => Promise<void>,
 *   remove: () => Promise<void>, replay: (since: string, until: string, out: HTMLElement) => Promise<void>, recover: (since: string, out: HTMLElement) => Promise<void>,
 *   filter: (status: string) => void, more: () => void, back: () => void }} DetailActions
 */

/**
 * The destination's own page. The skeleton is built once per destination; `updateDetail` then
 * refreshes the facts in place, so a poll never takes the focus or an open form away.
 * @param {HTMLElement} box @param {import('./describe.js').Hook} hook @param {DetailActions} act
 */
export function renderDetail(box, hook, act) {
  const back = h('a', { href: './webhooks', class: 'back-link', id: 'back' }, '← All destinations');
  back.addEventListener('click', (ev) => {
    ev.preventDefault();
    act.back();
  });
  const button = (/** @type {string} */ id, /** @type {string} */ label, /** @type {string} */ cls = '') =>
    /** @type {HTMLButtonElement} */ (h('button', { type: 'button', id, class: cls }, label));
  const test = button('d-test', 'Send test event', 'primary');
  const toggle = button('d-toggle', hook.enabled ? 'Disable' : 'Enable');
  const edit = button('d-edit', 'Edit');
  const rotate = button('d-rotate', 'Rotate secret');
  const remove = button('d-delete', 'Delete', 'danger');
  const testOut = h('div', {
    class: 'outcome',
    id: 'd-test-result',
    role: 'status',
    'aria-live': 'polite',
    hidden: true,
  });
  test.addEventListener('click', () => void act.test(testOut, test));
  toggle.addEventListener('click', () => void act.toggle());
  edit.addEventListener('click', act.edit);
  rotate.addEventListener('click', () => void act.rotate());
  remove.addEventListener('click', () => void act.remove());

  const since = /** @type {HTMLInputElement} */ (
    h('input', { type: 'datetime-local', id: 'd-replay-since', required: true })
  );
  const until = /** @type {HTMLInputElement} */ (h('input', { type: 'datetime-local', id: 'd-replay-until' }));
  const replayOut = h('p', { class: 'outcome-line', id: 'd-replay-result', role: 'status' });
  const replay = h(
    'form',
    { class: 'card mini-form', id: 'd-replay' },
    h('h3', {}, 'Replay since…'),
    h(
      'p',
      { class: 'hint' },
      'Send again every event recorded in a time range, beside the live stream (at most 3 replays at once).',
    ),
    h(
      'div',
      { class: 'mini-row' },
      h('label', {}, 'Since ', since),
      h('label', {}, 'Until ', until),
      h('button', { type: 'submit' }, 'Replay'),
    ),
    replayOut,
  );
  replay.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const from = fromLocalInput(since.value, false);
    if (!from) return void (replayOut.textContent = 'Pick when the replay starts.');
    void act.replay(from, fromLocalInput(until.value, false), replayOut);
  });
  const recoverSince = /** @type {HTMLInputElement} */ (
    h('input', { type: 'datetime-local', id: 'd-recover-since', required: true })
  );
  const recoverOut = h('p', { class: 'outcome-line', id: 'd-recover-result', role: 'status' });
  const recover = h(
    'form',
    { class: 'card mini-form', id: 'd-recover' },
    h('h3', {}, 'Recover failed since…'),
    h('p', { class: 'hint' }, 'Redeliver every batch that failed since a time, once the receiver is back.'),
    h(
      'div',
      { class: 'mini-row' },
      h('label', {}, 'Since ', recoverSince),
      h('button', { type: 'submit' }, 'Redeliver failed'),
    ),
    recoverOut,
  );
  recover.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const from = fromLocalInput(recoverSince.value, false);
    if (!from) return void (recoverOut.textContent = 'Pick a time to recover from.');
    void act.recover(from, recoverOut);
  });

  const filter = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { id: 'd-filter', 'aria-label': 'Show deliveries' },
      ...[
        ['', 'All deliveries'],
        ['failed', 'Failed'],
        ['pending', 'Pending'],
        ['succeeded', 'Succeeded'],
      ].map(([v, l]) => h('option', { value: v }, l)),
    )
  );
  filter.addEventListener('change', () => act.filter(filter.value));
  const more = h('button', { type: 'button', id: 'd-more', hidden: true }, 'Load older deliveries');
  more.addEventListener('click', act.more);

  box.replaceChildren(
    back,
    h(
      'div',
      { class: 'card detail-head' },
      h('div', { class: 'detail-title' }, h('h2', { id: 'd-url', class: 'url-title' }), h('span', { id: 'd-badge' })),
      h('p', { class: 'subtitle', id: 'd-desc' }),
      h(
        'div',
        { class: 'action-bar', role: 'toolbar', 'aria-label': 'Destination actions' },
        test,
        toggle,
        edit,
        rotate,
        h('span', { class: 'spacer' }),
        remove,
      ),
      testOut,
    ),
    h('dl', { class: 'card facts-grid', id: 'd-facts' }),
    h('div', { class: 'mini-forms' }, replay, recover),
    h(
      'section',
      { class: 'deliveries', 'aria-labelledby': 'd-deliveries-title' },
      h('div', { class: 'section-head' }, h('h3', { id: 'd-deliveries-title' }, 'Recent deliveries'), filter),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'deliveries-table', id: 'd-deliveries' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Created', 'Events', 'Status', 'Last response', ''].map((t, i) =>
                h('th', { scope: 'col', class: `dcol-${i}` }, t),
              ),
            ),
          ),
          h('tbody', { id: 'd-delivery-rows' }),
        ),
        h('div', { class: 'state', id: 'd-deliveries-empty', hidden: true }),
      ),
      more,
    ),
  );
  updateDetail(box, hook);
}

/** @param {HTMLElement} box @param {import('./describe.js').Hook} hook */
export function updateDetail(box, hook) {
  const now = Date.now();
  const q = (/** @type {string} */ id) => /** @type {HTMLElement} */ (box.querySelector(`#${id}`));
  q('d-url').textContent = redactUrl(hook.url);
  q('d-url').title = hook.url;
  const status = statusOf(hook, now);
  q('d-badge').replaceChildren(statusBadge(status), h('span', { class: 'badge-detail' }, status.detail));
  q('d-desc').textContent = hook.description || 'No description';
  q('d-toggle').textContent = hook.enabled ? 'Disable' : 'Enable';
  const last = lastDeliveryText(hook, now);
  const s = hook.stream;
  /** @type {[string, Node | string][]} */
  const facts = [
    ['Last delivery', h('span', { class: `tone-${last.tone}`, id: 'd-last' }, last.text)],
    ['Stream', h('span', { id: 'd-lag' }, `${s ? s.state : 'starting'} · ${lagText(hook)}`)],
    [
      'Delivered through',
      s?.deliveredThrough
        ? `#${s.deliveredThrough.seq} · recorded ${relativeTime(s.deliveredThrough.recordedAt, now)}`
        : 'nothing yet',
    ],
    [
      'Next attempt',
      s?.nextAttemptAt ? `${relativeTime(s.nextAttemptAt, now)} (${exactTime(s.nextAttemptAt, true)})` : '—',
    ],
    [
      'Format',
      `${formatLabel(hook.format)} · ${hook.batchSize === 1 ? 'one event' : `up to ${hook.batchSize} events`} per request · ${hook.compression === 'gzip' ? 'gzip' : 'uncompressed'}`,
    ],
    ['Categories', categoriesText(hook.categories)],
    [
      'Custom headers',
      hook.headers.length === 0
        ? 'none'
        : h(
            'span',
            { class: 'header-list' },
            ...hook.headers.map((x) => h('code', { title: 'value masked' }, `${x.name}: ${x.value}`)),
          ),
    ],
    [
      'Signing secret',
      `${hook.secretHint}${hook.previousSecretExpiresAt ? ` · the previous secret also signs until ${exactTime(hook.previousSecretExpiresAt, true)}` : ''}`,
    ],
    ['Failing since', hook.failingSince ? relativeTime(hook.failingSince, now) : '—'],
    ['Created', `${exactTime(hook.createdAt, true)} · ${hook.id}`],
  ];
  if (s && s.lagSeconds > 0) facts.splice(2, 0, ['Lag', duration(s.lagSeconds)]);
  q('d-facts').replaceChildren(...facts.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
