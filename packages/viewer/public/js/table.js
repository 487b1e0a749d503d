// @ts-check
import { h } from './dom.js';
import { exactTime, relativeTime, shortTime } from './format.js';

/**
 * @typedef {{ id: string, workspaceId: string, workspaceName: string, seq: number, category: string, action: string,
 *   actor: { type: string, id: string, name?: string, email?: string },
 *   target: { type: string, id: string, name?: string } | null, description: string | null,
 *   metadata?: Record<string, unknown>, occurredAt: string, recordedAt: string,
 *   context: { ip?: string, userAgent?: string, requestId?: string }, idempotencyKey: string | null, hasMetadata?: boolean,
 *   organizationId?: string, hash?: string | null }} EventRow
 */

/** @param {string} a @param {string | undefined | null} b */
function twoLines(a, b, mono = false) {
  return [
    h('span', { class: `line1${mono ? ' mono' : ''}`, title: a }, a),
    b ? h('span', { class: 'line2', title: b }, b) : null,
  ];
}

/** @param {EventRow} e @param {{ org: boolean, utc: boolean }} o */
export function eventRow(e, o) {
  const actorName = e.actor.name || e.actor.email || e.actor.id;
  const actorSub = e.actor.name ? e.actor.email || e.actor.id : e.actor.email ? e.actor.id : e.actor.type;
  const time = h(
    'td',
    {},
    h(
      'span',
      {
        class: 'line1',
        'data-time': e.occurredAt,
        title: `Occurred ${exactTime(e.occurredAt, o.utc)}\nRecorded ${exactTime(e.recordedAt, o.utc)}`,
      },
      relativeTime(e.occurredAt),
    ),
    h('span', { class: 'line2' }, shortTime(e.occurredAt, o.utc)),
  );
  const action = h(
    'td',
    {},
    h(
      'span',
      { class: 'line1' },
      h('span', { class: 'badge', 'data-category': e.category, title: `category: ${e.category}` }, e.category),
      e.action,
    ),
    h(
      'span',
      { class: 'line2 mono' },
      `${e.category}.${e.action}`,
      e.hasMetadata ? h('span', { class: 'meta-dot', title: 'has metadata' }, '● metadata') : null,
    ),
  );
  const target = e.target
    ? twoLines(e.target.name || e.target.id, e.target.name ? `${e.target.type} · ${e.target.id}` : e.target.type)
    : [h('span', { class: 'line2' }, '—')];
  return h(
    'tr',
    { class: 'event', tabindex: 0, 'data-id': e.id, 'aria-expanded': 'false', title: 'Show details' },
    time,
    h('td', {}, ...twoLines(actorName, actorSub)),
    action,
    h('td', {}, ...target),
    h('td', {}, h('span', { class: 'desc', title: e.description ?? '' }, e.description ?? '')),
    h(
      'td',
      { 'data-org-only': true },
      ...twoLines(e.workspaceName || e.workspaceId, e.workspaceName ? e.workspaceId : null, false),
    ),
  );
}

/** @param {number} columns */
export function skeletonRows(columns, count = 6) {
  return Array.from({ length: count }, () =>
    h(
      'tr',
      { class: 'skeleton', 'aria-hidden': 'true' },
      ...Array.from({ length: columns }, () => h('td', {}, h('span'), h('span'))),
    ),
  );
}

/** @param {number} columns @param {string} id */
export function detailsRow(columns, id) {
  return h(
    'tr',
    { class: 'details', 'data-details-for': id },
    h('td', { colspan: columns }, h('div', { class: 'status' }, 'Loading details…')),
  );
}

/**
 * The expanded row: every field, then the metadata pretty-printed with a copy button.
 * @param {HTMLTableRowElement} row @param {EventRow} e @param {boolean} utc
 * @param {HTMLElement} [evidence] the tamper-evidence line, listed last among the facts
 */
export function fillDetails(row, e, utc, evidence) {
  const json = JSON.stringify(e.metadata ?? {}, null, 2);
  const copy = h('button', { type: 'button', class: 'copy' }, 'Copy');
  copy.addEventListener('click', async (ev) => {
    ev.stopPropagation();
    copy.textContent = (await copyText(json)) ? 'Copied' : 'Copy failed';
    setTimeout(() => (copy.textContent = 'Copy'), 1500);
  });
  /** @type {[string, string | null | undefined][]} */
  const facts = [
    ['Event', e.id],
    ['Workspace', e.workspaceName ? `${e.workspaceName} (${e.workspaceId})` : e.workspaceId],
    ['Sequence', String(e.seq)],
    ['Occurred', exactTime(e.occurredAt, utc)],
    ['Recorded', exactTime(e.recordedAt, utc)],
    ['Actor', [e.actor.type, e.actor.id, e.actor.name, e.actor.email].filter(Boolean).join(' · ')],
    ['Action', `${e.category}.${e.action}`],
    ['Target', e.target ? [e.target.type, e.target.id, e.target.name].filter(Boolean).join(' · ') : null],
    ['Description', e.description],
    ['IP', e.context.ip],
    ['User agent', e.context.userAgent],
    ['Request', e.context.requestId],
    ['Idempotency key', e.idempotencyKey],
  ];
  const dl = h('dl', { class: 'facts' });
  for (const [k, v] of facts) if (v) dl.append(h('dt', {}, k), h('dd', {}, v));
  if (evidence) dl.append(h('dt', {}, 'Tamper evidence'), h('dd', {}, evidence));
  const cell = /** @type {HTMLTableCellElement} */ (row.firstElementChild);
  cell.replaceChildren(
    h(
      'div',
      { class: 'details-grid' },
      dl,
      h(
        'div',
        {},
        h('div', { class: 'metadata-head' }, h('span', {}, 'Metadata'), copy),
        h('pre', { class: 'metadata', tabindex: 0 }, json),
      ),
    ),
  );
}

/** @param {string} text */
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

/** Keeps "3 minutes ago" true while the page stays open. @param {ParentNode} root */
export function refreshRelativeTimes(root) {
  for (const el of root.querySelectorAll('[data-time]'))
    el.textContent = relativeTime(el.getAttribute('data-time') ?? '');
}
