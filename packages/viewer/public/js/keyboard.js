// @ts-check

/**
 * j/k and the arrow keys move between rows, Enter opens (the row's own handler), Esc closes,
 * `?` lists the shortcuts, `/` goes to the search. Keys typed into a field stay the field's.
 * @param {{ rows: HTMLElement, search: HTMLInputElement, dialog: HTMLDialogElement, active: () => boolean, collapse: (row: HTMLElement) => void }} o
 */
export function installShortcuts(o) {
  document.addEventListener('keydown', (ev) => {
    if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || !o.active()) return;
    const target = /** @type {HTMLElement} */ (ev.target);
    const typing =
      target instanceof HTMLInputElement ||
      target instanceof HTMLSelectElement ||
      target instanceof HTMLTextAreaElement ||
      target.isContentEditable;
    if (o.dialog.open) return;
    if (typing) {
      if (ev.key === 'Escape' && target === o.search) o.search.blur();
      return;
    }
    const row = /** @type {HTMLElement | null} */ (target.closest?.('tr.event') ?? null);
    const onRow = row !== null && o.rows.contains(row);
    if (ev.key === '/') {
      ev.preventDefault();
      o.search.focus();
    } else if (ev.key === '?') {
      ev.preventDefault();
      o.dialog.showModal();
    } else if (ev.key === 'j' || (ev.key === 'ArrowDown' && onRow)) {
      ev.preventDefault();
      move(o.rows, row, 1);
    } else if (ev.key === 'k' || (ev.key === 'ArrowUp' && onRow)) {
      ev.preventDefault();
      move(o.rows, row, -1);
    } else if (ev.key === 'Escape') {
      const open =
        onRow && row.getAttribute('aria-expanded') === 'true'
          ? row
          : o.rows.querySelector('tr.event[aria-expanded="true"]');
      if (open instanceof HTMLElement) {
        o.collapse(open);
        open.focus();
      }
    }
  });
}

/** @param {HTMLElement} rows @param {HTMLElement | null} from @param {1 | -1} step */
function move(rows, from, step) {
  const all = /** @type {HTMLElement[]} */ ([...rows.querySelectorAll('tr.event')]);
  if (all.length === 0) return;
  const at = from ? all.indexOf(from) : -1;
  const next = at === -1 ? all[step === 1 ? 0 : all.length - 1] : all[Math.min(all.length - 1, Math.max(0, at + step))];
  next?.focus();
  next?.scrollIntoView({ block: 'nearest' });
}
