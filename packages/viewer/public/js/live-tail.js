// @ts-check

/** How often the newest page asks for newer events while live tail is on. */
export const LIVE_INTERVAL_MS = 3000;

/**
 * Which events of a fresh newest page are not on screen yet. The page is newest first; an event
 * that commits late (its `seq` was taken before one already shown) can rank below the top, so
 * every unseen event ranked above the oldest one shown counts, in the page's order. `gap` says
 * the fresh page holds nothing already shown: more arrived than one poll can bring.
 * @template {{ id: string }} T
 * @param {Set<string>} shown @param {T[]} fresh @param {number} limit
 * @returns {{ added: T[], gap: boolean }}
 */
export function newArrivals(shown, fresh, limit) {
  if (shown.size === 0) return { added: fresh, gap: false };
  let lastShown = -1;
  fresh.forEach((e, i) => {
    if (shown.has(e.id)) lastShown = i;
  });
  if (lastShown === -1) return { added: fresh, gap: fresh.length >= limit };
  return { added: fresh.slice(0, lastShown).filter((e) => !shown.has(e.id)), gap: false };
}

/**
 * Inserts rows above the others without moving what the reader looks at: the first row on
 * screen keeps its place, the window scrolls by what was added above it.
 * @param {HTMLElement} tbody @param {HTMLElement[]} rows
 */
export function insertAnchored(tbody, rows) {
  const anchor = [...tbody.children].find((r) => r.getBoundingClientRect().bottom > 0) ?? null;
  const before = anchor?.getBoundingClientRect().top ?? 0;
  tbody.prepend(...rows);
  if (anchor) window.scrollBy(0, anchor.getBoundingClientRect().top - before);
}

/**
 * The reader is reading (not watching the head of the log) when the page is scrolled, a row is
 * open or focused, text is selected, or the pointer rests on the rows.
 * @param {HTMLElement} tbody
 */
export function readerIsEngaged(tbody) {
  return (
    window.scrollY > 0 ||
    tbody.querySelector('tr.details') !== null ||
    tbody.contains(document.activeElement) ||
    Boolean(window.getSelection()?.toString()) ||
    tbody.matches(':hover')
  );
}
