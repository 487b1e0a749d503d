// @ts-check
import { ApiError, isUpgradeNeeded, query } from './api.js';
import { CATEGORIES } from './categories.js';
import { describeRange, fromLocalInput, rangeBounds, rangeIncludesNow, toLocalInput } from './date-range.js';
import { byId, h } from './dom.js';
import { exactTime } from './format.js';
import { askProof, proofLine, showProof } from './integrity/proof-line.js';
import { installShortcuts } from './keyboard.js';
import { insertAnchored, LIVE_INTERVAL_MS, newArrivals, readerIsEngaged } from './live-tail.js';
import { showRetention } from './retention-line.js';
import { probeKey, remember, showSignIn, storedKey, wireSignIn } from './session.js';
import { hideState, markQueryError, showState } from './states.js';
import { detailsRow, eventRow, fillDetails, refreshRelativeTimes, skeletonRows } from './table.js';
import { readState, toSearch } from './url-state.js';

/** @type {import('./session.js').Session} */
let session = { key: '', org: false, workspaces: [] };
let state = readState(location.search);
/** @type {{ nextCursor: string | null, prevCursor: string | null, items: import('./table.js').EventRow[] }} */
let page = { nextCursor: null, prevCursor: null, items: [] };
let requestSeq = 0;
/** Events live tail added above the page, not yet scrolled to by an engaged reader. */
let unseen = 0;
/** @type {ReturnType<typeof setTimeout> | null} */
let liveTimer = null;

const el = {
  signin: byId('signin'),
  log: byId('log'),
  q: /** @type {HTMLInputElement} */ (byId('q')),
  searchForm: /** @type {HTMLFormElement} */ (byId('search-form')),
  categoryFilter: byId('category-filter'),
  categoryOptions: byId('category-options'),
  categorySummary: byId('category-summary'),
  rows: byId('rows'),
  table: byId('events'),
  state: byId('state'),
  status: byId('status'),
  prev: /** @type {HTMLButtonElement} */ (byId('prev')),
  next: /** @type {HTMLButtonElement} */ (byId('next')),
  newest: /** @type {HTMLButtonElement} */ (byId('newest')),
  pageSize: /** @type {HTMLSelectElement} */ (byId('page-size')),
  pagerInfo: byId('pager-info'),
  headControls: byId('head-controls'),
  scopeSwitch: byId('scope-switch'),
  workspacePicker: byId('workspace-picker'),
  workspaceSelect: /** @type {HTMLSelectElement} */ (byId('workspace-select')),
  utc: /** @type {HTMLInputElement} */ (byId('utc-toggle')),
  subtitle: byId('subtitle'),
  retention: byId('retention'),
  range: /** @type {HTMLSelectElement} */ (byId('range')),
  customRange: byId('custom-range'),
  rangeZone: byId('range-zone'),
  rangeFrom: /** @type {HTMLInputElement} */ (byId('range-from')),
  rangeTo: /** @type {HTMLInputElement} */ (byId('range-to')),
  live: /** @type {HTMLInputElement} */ (byId('live-toggle')),
  newPill: /** @type {HTMLButtonElement} */ (byId('new-pill')),
  shortcuts: /** @type {HTMLDialogElement} */ (byId('shortcuts')),
};

/** @param {Partial<typeof state>} change @param {{ keepPage?: boolean }} [o] */
function navigate(change, o = {}) {
  state = { ...state, ...(o.keepPage ? {} : { cursor: '', page: 1 }), ...change };
  // Paging back to older events ends live tail: new rows would land on a page not shown.
  if (state.cursor) state.live = false;
  history.pushState(null, '', `${location.pathname}${toSearch(state)}`);
  render();
}

/** @param {{ fresh?: boolean }} [o] fresh: the newest page, whatever the cursor (live tail) */
function listInput(o = {}) {
  /** @type {Record<string, unknown>} */
  const input = { limit: state.limit, ...rangeBounds(state, Date.now()) };
  if (state.q.trim()) input.q = state.q;
  if (state.categories.length > 0) input.categories = state.categories;
  if (state.cursor && !o.fresh) input.cursor = state.cursor;
  // An organization key without Enterprise workspaces asks for organization scope to hear why.
  if (session.org && (state.scope === 'organization' || session.workspaces.length === 0)) input.scope = 'organization';
  else if (session.org) input.workspaceId = currentWorkspace();
  return input;
}

function currentWorkspace() {
  return state.workspaceId || session.workspaces[0]?.id;
}

async function load() {
  const seq = ++requestSeq;
  stopLive();
  hideState(el.state);
  el.q.removeAttribute('aria-invalid');
  el.log.classList.remove('locked');
  el.rows.replaceChildren(...skeletonRows(columns()));
  el.table.setAttribute('aria-busy', 'true');
  el.status.className = 'status';
  el.status.textContent = 'Loading events…';
  el.prev.disabled = el.next.disabled = true;
  unseen = 0;
  el.newPill.hidden = true;
  try {
    const result = await query('events.list', listInput(), session.key);
    if (seq !== requestSeq) return;
    page = result;
    el.rows.replaceChildren(
      ...result.items.map((/** @type {any} */ e) => eventRow(e, { org: isOrgScope(), utc: state.utc })),
    );
    el.status.textContent = statusText(result);
    if (result.items.length === 0) showEmpty();
  } catch (err) {
    if (seq !== requestSeq) return;
    page = { nextCursor: null, prevCursor: null, items: [] };
    el.rows.replaceChildren();
    el.status.textContent = '';
    showError(err);
  } finally {
    if (seq === requestSeq) {
      el.table.removeAttribute('aria-busy');
      el.prev.disabled = !page.prevCursor;
      el.newest.disabled = !state.cursor;
      el.next.disabled = !page.nextCursor;
      updatePagerInfo();
      if (state.live && liveAllowed() && !el.log.classList.contains('locked')) scheduleLive(seq);
    }
  }
}

/** @param {{ workspaces: { name: string }[] }} result */
function statusText(result) {
  const range = describeRange(state, (iso) => exactTime(iso, state.utc));
  const parts = ['Newest first', range ? `recorded ${range}` : ''];
  if (isOrgScope())
    parts.push(
      `${result.workspaces.length} workspace${result.workspaces.length === 1 ? '' : 's'}: ${result.workspaces.map((w) => w.name).join(', ')}`,
    );
  return page.items.length === 0 ? '' : parts.filter(Boolean).join(' · ');
}

function updatePagerInfo() {
  const n = page.items.length;
  el.pagerInfo.textContent = n > 0 ? `Page ${state.page} · ${n} event${n === 1 ? '' : 's'}` : '';
}

function liveAllowed() {
  return !state.cursor && rangeIncludesNow(state, Date.now());
}

/** @param {number} seq the load this poll belongs to: a new search ends it */
function scheduleLive(seq) {
  liveTimer = setTimeout(() => void pollLive(seq), LIVE_INTERVAL_MS);
}

function stopLive() {
  if (liveTimer) clearTimeout(liveTimer);
  liveTimer = null;
}

/** @param {number} seq */
async function pollLive(seq) {
  try {
    const fresh = await query('events.list', listInput({ fresh: true }), session.key);
    if (seq !== requestSeq || !state.live) return;
    const shown = new Set(page.items.map((e) => e.id));
    const { added, gap } = newArrivals(
      shown,
      /** @type {import('./table.js').EventRow[]} */ (fresh.items),
      state.limit,
    );
    if (added.length > 0) {
      hideState(el.state);
      const rows = added.map((/** @type {any} */ e) => {
        const row = eventRow(e, { org: isOrgScope(), utc: state.utc });
        row.classList.add('new');
        return row;
      });
      const engaged = readerIsEngaged(el.rows);
      if (engaged) insertAnchored(el.rows, rows);
      else el.rows.prepend(...rows);
      page = { ...page, items: [...added, ...page.items] };
      if (engaged) unseen += added.length;
      el.status.textContent = statusText(fresh);
      updatePagerInfo();
    }
    showPill(gap);
  } catch {
    // A missed poll is retried at the next tick; the page keeps what it shows.
  }
  if (seq === requestSeq && state.live) scheduleLive(seq);
}

/** @param {boolean} gap */
function showPill(gap) {
  if (gap) el.newPill.textContent = `More than ${state.limit} new events · show the newest`;
  else if (unseen > 0) el.newPill.textContent = `↑ ${unseen} new event${unseen === 1 ? '' : 's'}`;
  el.newPill.dataset.gap = String(gap);
  el.newPill.hidden = !gap && unseen === 0;
}

function columns() {
  return isOrgScope() ? 6 : 5;
}

function isOrgScope() {
  return session.org && state.scope === 'organization';
}

function showEmpty() {
  const filtered = state.q.trim() !== '' || state.categories.length > 0 || state.range !== '';
  showState(
    el.state,
    filtered
      ? {
          kind: 'empty',
          title: 'No events match this search',
          text: 'Try fewer words, a shorter prefix, fewer categories or a wider time range.',
          action: {
            label: 'Clear search and filters',
            run: () => navigate({ q: '', categories: [], range: '', from: '', to: '' }),
          },
        }
      : { kind: 'empty', title: 'No events yet', text: 'Events appear here as soon as they are recorded.' },
  );
}

/** @param {unknown} err */
function showError(err) {
  if (isUpgradeNeeded(err)) {
    const why = (err instanceof Error ? err.message : '').split('; ')[1] ?? '';
    el.log.classList.add('locked');
    showState(el.state, {
      kind: 'upgrade',
      title: 'The audit log is part of the Enterprise plan',
      text: `${why.charAt(0).toUpperCase()}${why.slice(1)}. Ask an owner of your organization to upgrade to Enterprise to search and export the audit log; events are recorded on every plan meanwhile.`,
      action: { label: 'Use another key', run: () => signOut() },
    });
    return;
  }
  if (err instanceof ApiError && err.code === 'UNAUTHORIZED')
    return signOut(
      /expired/.test(err.message)
        ? `This key has expired: ${err.message}`
        : 'This API key is no longer accepted. Sign in with another key.',
    );
  const message = err instanceof Error ? err.message : String(err);
  const queryProblem = err instanceof ApiError && err.code === 'BAD_REQUEST' && markQueryError(el.q, message);
  showState(el.state, {
    kind: 'error',
    title: queryProblem ? 'This search could not be read' : 'The events could not be loaded',
    text: message,
    action: queryProblem ? undefined : { label: 'Try again', run: () => void load() },
  });
}

function render() {
  el.q.value = state.q;
  el.pageSize.value = String(state.limit);
  el.utc.checked = state.utc;
  for (const box of el.categoryOptions.querySelectorAll('input')) box.checked = state.categories.includes(box.value);
  el.categorySummary.textContent =
    state.categories.length > 0 ? `Categories (${state.categories.length})` : 'Categories';
  el.categoryFilter.setAttribute('data-active', String(state.categories.length > 0));
  el.range.value = state.range;
  el.range.setAttribute('data-active', String(state.range !== ''));
  el.customRange.hidden = state.range !== 'custom';
  el.rangeFrom.value = toLocalInput(state.from, state.utc);
  el.rangeTo.value = toLocalInput(state.to, state.utc);
  el.rangeZone.textContent = state.utc ? 'UTC' : Intl.DateTimeFormat().resolvedOptions().timeZone;
  el.live.checked = state.live && liveAllowed();
  el.live.disabled = !liveAllowed();
  el.live.parentElement?.setAttribute(
    'title',
    state.cursor
      ? 'Live tail runs on the newest page: go back to Newest to turn it on'
      : liveAllowed()
        ? 'Poll for newer events every few seconds while on the newest page'
        : 'Live tail needs a range that reaches the present',
  );
  el.log.classList.toggle('live', el.live.checked);
  el.table.classList.toggle('org', isOrgScope());
  for (const b of el.scopeSwitch.querySelectorAll('button'))
    b.setAttribute('aria-checked', String(b.dataset.scope === state.scope));
  el.workspacePicker.hidden = !session.org || state.scope === 'organization';
  el.workspaceSelect.value = currentWorkspace() || '';
  void showRetention(el.retention, session.key, session.org ? currentWorkspace() : undefined, isOrgScope());
  void load();
}

/** @param {string} key */
async function signIn(key) {
  session = await probeKey(key);
  remember(session);
  el.signin.hidden = true;
  el.log.hidden = false;
  el.headControls.hidden = false;
  el.scopeSwitch.hidden = !session.org || session.workspaces.length === 0;
  el.workspaceSelect.replaceChildren(...session.workspaces.map((w) => h('option', { value: w.id }, `${w.name}`)));
  el.subtitle.textContent = session.org
    ? 'Organization key: read one workspace or all Enterprise workspaces.'
    : 'Who did what, where, and when.';
  render();
}

/** @param {string} [message] */
function signOut(message) {
  stopLive();
  requestSeq++;
  session = { key: '', org: false, workspaces: [] };
  el.log.hidden = el.headControls.hidden = el.retention.hidden = true;
  showSignIn(message);
}

function exportCurrent() {
  const input = listInput();
  const fields = {
    key: session.key,
    format: /** @type {HTMLSelectElement} */ (byId('export-format')).value,
    q: input.q,
    categories: state.categories.join(','),
    scope: input.scope,
    workspaceId: input.workspaceId,
    from: input.from,
    to: input.to,
  };
  const form = h('form', { method: 'post', action: '/export', hidden: true });
  for (const [name, value] of Object.entries(fields))
    if (value) form.append(h('input', { type: 'hidden', name, value: String(value) }));
  document.body.append(form);
  form.submit();
  form.remove();
}

/** @param {HTMLElement} row */
function collapse(row) {
  if (row.nextElementSibling?.getAttribute('data-details-for') === row.dataset.id) row.nextElementSibling?.remove();
  row.setAttribute('aria-expanded', 'false');
}

/** @param {HTMLTableRowElement} row */
async function toggleRow(row) {
  const id = row.dataset.id ?? '';
  if (row.getAttribute('aria-expanded') === 'true') return collapse(row);
  row.setAttribute('aria-expanded', 'true');
  row.classList.remove('new');
  const details = detailsRow(columns(), id);
  row.after(details);
  const item = page.items.find((e) => e.id === id);
  const workspaceId = session.org ? item?.workspaceId : undefined;
  const proof = askProof(id, workspaceId, session.key);
  try {
    const full = await query('events.get', { id, ...(session.org ? { workspaceId } : {}) }, session.key);
    const evidence = proofLine();
    fillDetails(details, { ...full, workspaceName: item?.workspaceName ?? '' }, state.utc, evidence);
    void showProof(evidence, full, proof, state.utc);
  } catch (err) {
    details.firstElementChild?.replaceChildren(
      h(
        'div',
        { class: 'status error' },
        `Details could not be loaded: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
  }
}

function applyCustomRange() {
  const from = fromLocalInput(el.rangeFrom.value, state.utc);
  const to = fromLocalInput(el.rangeTo.value, state.utc);
  if (from && to && Date.parse(from) >= Date.parse(to)) {
    el.rangeTo.setCustomValidity('must be after From');
    el.rangeTo.reportValidity();
    return;
  }
  el.rangeTo.setCustomValidity('');
  navigate({ range: 'custom', from, to });
}

function wire() {
  el.categoryOptions.replaceChildren(
    ...CATEGORIES.map((c) => h('label', {}, h('input', { type: 'checkbox', value: c }), c)),
  );
  wireSignIn(signIn, () => signOut());
  el.searchForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    /** @type {HTMLDetailsElement} */ (el.categoryFilter).open = false;
    navigate({
      q: el.q.value.trim(),
      categories: [...el.categoryOptions.querySelectorAll('input')].filter((b) => b.checked).map((b) => b.value),
    });
  });
  el.categoryOptions.addEventListener('change', () => {
    navigate({
      categories: [...el.categoryOptions.querySelectorAll('input')].filter((b) => b.checked).map((b) => b.value),
      q: el.q.value.trim(),
    });
  });
  byId('category-clear').addEventListener('click', () => navigate({ categories: [] }));
  el.range.addEventListener('change', () => {
    const range = /** @type {typeof state.range} */ (el.range.value);
    if (range === 'custom') {
      // Custom starts from what was shown, so narrowing "last 24 hours" by hand is one edit.
      const bounds = rangeBounds(state, Date.now());
      navigate({ range, from: bounds.from ?? new Date(Date.now() - 86_400_000).toISOString(), to: bounds.to ?? '' });
      el.rangeFrom.focus();
    } else navigate({ range, from: '', to: '' });
  });
  el.rangeFrom.addEventListener('change', applyCustomRange);
  el.rangeTo.addEventListener('change', applyCustomRange);
  el.live.addEventListener('change', () => navigate({ live: el.live.checked }, { keepPage: true }));
  el.newPill.addEventListener('click', () => {
    if (el.newPill.dataset.gap === 'true') return navigate({});
    unseen = 0;
    el.newPill.hidden = true;
    window.scrollTo({ top: 0 });
    /** @type {HTMLElement | null} */ (el.rows.querySelector('tr.event'))?.focus();
  });
  el.scopeSwitch.addEventListener('click', (ev) => {
    const scope = /** @type {HTMLElement} */ (ev.target).closest('button')?.dataset.scope;
    if (scope === 'workspace' || scope === 'organization') navigate({ scope });
  });
  el.workspaceSelect.addEventListener('change', () => navigate({ workspaceId: el.workspaceSelect.value }));
  el.pageSize.addEventListener('change', () => navigate({ limit: Number(el.pageSize.value) }));
  el.utc.addEventListener('change', () => navigate({ utc: el.utc.checked }, { keepPage: true }));
  el.next.addEventListener(
    'click',
    () => page.nextCursor && navigate({ cursor: page.nextCursor, page: state.page + 1 }, { keepPage: true }),
  );
  el.prev.addEventListener(
    'click',
    () =>
      page.prevCursor &&
      navigate(
        { cursor: state.page > 2 ? page.prevCursor : '', page: Math.max(1, state.page - 1) },
        { keepPage: true },
      ),
  );
  el.newest.addEventListener('click', () => navigate({}));
  byId('export-button').addEventListener('click', exportCurrent);
  el.rows.addEventListener('click', (ev) => {
    const row = /** @type {HTMLElement} */ (ev.target).closest('tr.event');
    if (row && !window.getSelection()?.toString()) void toggleRow(/** @type {HTMLTableRowElement} */ (row));
  });
  el.rows.addEventListener('keydown', (ev) => {
    const row = /** @type {HTMLElement} */ (ev.target).closest('tr.event');
    if (row && ev.target === row && (ev.key === 'Enter' || ev.key === ' ')) {
      ev.preventDefault();
      void toggleRow(/** @type {HTMLTableRowElement} */ (row));
    }
  });
  installShortcuts({ rows: el.rows, search: el.q, dialog: el.shortcuts, active: () => !el.log.hidden, collapse });
  window.addEventListener('popstate', () => {
    state = readState(location.search);
    if (session.key) render();
  });
  // Back at the top, the reader has seen what live tail added above.
  window.addEventListener(
    'scroll',
    () => {
      if (window.scrollY === 0 && unseen > 0) {
        unseen = 0;
        showPill(el.newPill.dataset.gap === 'true');
      }
    },
    { passive: true },
  );
  setInterval(() => refreshRelativeTimes(el.rows), 30_000);
}

wire();
const stored = storedKey();
if (stored) signIn(stored).catch(() => signOut('This API key is no longer accepted. Sign in with another key.'));
else signOut();
