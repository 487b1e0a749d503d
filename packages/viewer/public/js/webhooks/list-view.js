// @ts-check
import { h } from '../dom.js';
import { categoriesText, formatLabel, lagText, lastDeliveryText, redactUrl, statusOf } from './describe.js';

/**
 * The destinations of the workspace, one row each; a row opens the destination.
 * @param {HTMLElement} tbody @param {import('./describe.js').Hook[]} hooks @param {(id: string) => void} open
 */
export function renderList(tbody, hooks, open) {
  const now = Date.now();
  tbody.replaceChildren(
    ...hooks.map((hook) => {
      const status = statusOf(hook, now);
      const last = lastDeliveryText(hook, now);
      const link = h(
        'a',
        { href: `?id=${encodeURIComponent(hook.id)}`, class: 'hook-link', title: hook.url },
        redactUrl(hook.url),
      );
      link.addEventListener('click', (ev) => {
        if (ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
        ev.preventDefault();
        open(hook.id);
      });
      const row = h(
        'tr',
        { class: 'hook', 'data-id': hook.id },
        h(
          'td',
          {},
          h('span', { class: 'line1' }, link),
          h('span', { class: 'line2', title: hook.description ?? '' }, hook.description || '—'),
        ),
        h(
          'td',
          {},
          h('span', { class: 'line1' }, formatLabel(hook.format)),
          h(
            'span',
            { class: 'line2' },
            `${hook.batchSize === 1 ? 'one event' : `up to ${hook.batchSize}`} per request${hook.compression === 'gzip' ? ' · gzip' : ''}`,
          ),
        ),
        h(
          'td',
          {},
          h('span', { class: 'desc', title: categoriesText(hook.categories) }, categoriesText(hook.categories)),
        ),
        h('td', {}, statusBadge(status), h('span', { class: 'line2', title: status.detail }, status.detail)),
        h(
          'td',
          { 'data-last': last.tone, title: last.text },
          h('span', { class: 'line1' }, last.when),
          h('span', { class: `line2 tone-${last.tone}` }, last.outcome),
        ),
        h(
          'td',
          {},
          h('span', { class: 'line1' }, lagText(hook)),
          h(
            'span',
            { class: 'line2' },
            hook.stream?.deliveredThrough ? `through #${hook.stream.deliveredThrough.seq}` : '',
          ),
        ),
      );
      row.addEventListener('click', (ev) => {
        if (!(/** @type {HTMLElement} */ (ev.target).closest('a'))) open(hook.id);
      });
      return row;
    }),
  );
}

/** @param {{ label: string, tone: string, detail: string }} s */
export function statusBadge(s) {
  return h('span', { class: `status-badge tone-${s.tone}`, 'data-status': s.label }, s.label);
}
