// @ts-check
import { ApiError, isUpgradeNeeded, query } from './api.js';
import { CATEGORIES } from './categories.js';
import { byId, h } from './dom.js';
import { hideState, markQueryError, showState } from './states.js';
import { detailsRow, eventRow, fillDetails, refreshRelativeTimes, skeletonRows } from './table.js';
import { readState, toSearch } from './url-state.js';

const KEY_STORAGE = 'audit.apiKey';

/** @type {{ key: string, org: boolean, workspaces: { id: string, name: string }[] }} */
const session = { key: '', org: false, workspaces: [] };
let state = readState(location.search);
/** @type {{ nextCursor: string | null, prevCursor: string | null, items: import('./table.js').EventRow[] }} */
let page = { nextCursor: null, prevCursor: null, items: [] };
let requestSeq = 0;

const el = {
  signin: byId('signin'), log: byId('log'), signinForm: /** @type {HTMLFormElement} */ (byId('signin-form')),
  keyInput: /** @type {HTMLInputElement} */ (byId('key-input')), signinError: byId('signin-error'),
  q: /** @type {HTMLInputElement} */ (byId('q')), searchForm: /** @type {HTMLFormElement} */ (byId('search-form')),
  categoryFilter: byId('category-filter'), categoryOptions: byId('category-options'), categorySummary: byId('category-summary'),
  rows: byId('rows'), table: byId('events'), state: byId('state'), status: byId('status'),
  prev: /** @type {HTMLButtonElement} */ (byId('prev')), next: /** @type {HTMLButtonElement} */ (byId('next')), newest: /** @type {HTMLButtonElement} */ (byId('newest')),
  pageSize: /** @type {HTMLSelectElement} */ (byId('page-size')), pagerInfo: byId('pager-info'),
  headControls: byId('head-controls'), scopeSwitch: byId('scope-switch'), workspacePicker: byId('workspace-picker'),
  workspaceSelect: /** @type {HTMLSelectElement} */ (byId('workspace-select')), utc: /** @type {HTMLInputElement} */ (byId('utc-toggle')),
  keyInfo: byId('key-info'), keyHint: byId('key-hint'), subtitle: byId('subtitle'),
};

/** @param {Partial<typeof state>} change @param {{ keepPage?: boolean }} [o] */
function navigate(change, o = {}) {
  state = { ...state, ...(o.keepPage ? {} : { cursor: '', page: 1 }), ...change };
  history.pushState(null, '', `${location.pathname}${toSearch(state)}`);
  render();
}

function listInput() {
  /** @type {Record<string, unknown>} */
  const input = { limit: state.limit };
  if (state.q.trim()) input.q = state.q;
  if (state.categories.length > 0) input.categories = state.categories;
  if (state.cursor) input.cursor = state.cursor;
  // An organization key without Enterprise workspaces asks for organization scope to hear why.
  if (session.org && (state.scope === 'organization' || session.workspaces.length === 0)) input.scope = 'organization';
  else if (session.org) input.workspaceId = state.workspaceId || session.workspaces[0]?.id;
  return input;
}

async function load() {
  const seq = ++requestSeq;
  hideState(el.state);
  el.q.removeAttribute('aria-invalid');
  el.log.classList.remove('locked');
  el.rows.replaceChildren(...skeletonRows(columns()));
  el.table.setAttribute('aria-busy', 'true');
  el.status.className = 'status';
  el.status.textContent = 'Loading events…';
  el.prev.disabled = el.next.disabled = true;
  try {
    const result = await query('events.list', listInput(), session.key);
    if (seq !== requestSeq) return;
    page = result;
    el.rows.replaceChildren(...result.items.map((/** @type {any} */ e) => eventRow(e, { org: isOrgScope(), utc: state.utc })));
    el.status.textContent = result.items.length === 0 ? '' : `Newest first${isOrgScope() ? ` · ${result.workspaces.length} workspace${result.workspaces.length === 1 ? '' : 's'}: ${result.workspaces.map((/** @type {any} */ w) => w.name).join(', ')}` : ''}`;
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
      el.pagerInfo.textContent = page.items.length > 0 ? `Page ${state.page} · ${page.items.length} event${page.items.length === 1 ? '' : 's'}` : '';
    }
  }
}

function columns() {
  return isOrgScope() ? 6 : 5;
}

function isOrgScope() {
  return session.org && state.scope === 'organization';
}

function showEmpty() {
  const filtered = state.q.trim() !== '' || state.categories.length > 0;
  showState(el.state, filtered
    ? { kind: 'empty', title: 'No events match this search', text: 'Try fewer words, a shorter prefix, or fewer categories. Qualifiers such as after: and before: narrow by time.', action: { label: 'Clear search and filters', run: () => navigate({ q: '', categories: [] }) } }
    : { kind: 'empty', title: 'No events yet', text: 'Events appear here as soon as they are recorded.' });
}

/** @param {unknown} err */
function showError(err) {
  if (isUpgradeNeeded(err)) {
    const why = (err instanceof Error ? err.message : '').split('; ')[1] ?? '';
    el.log.classList.add('locked');
    showState(el.state, { kind: 'upgrade', title: 'The audit log is part of the Enterprise plan', text: `${why.charAt(0).toUpperCase()}${why.slice(1)}. Ask an owner of your organization to upgrade to Enterprise to search and export the audit log; events are recorded on every plan meanwhile.`, action: { label: 'Use another key', run: () => signOut() } });
    return;
  }
  if (err instanceof ApiError && err.code === 'UNAUTHORIZED') return signOut('This API key is no longer accepted. Sign in with another key.');
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
  el.categorySummary.textContent = state.categories.length > 0 ? `Categories (${state.categories.length})` : 'Categories';
  el.categoryFilter.setAttribute('data-active', String(state.categories.length > 0));
  el.table.classList.toggle('org', isOrgScope());
  for (const b of el.scopeSwitch.querySelectorAll('button')) b.setAttribute('aria-checked', String(b.dataset.scope === state.scope));
  el.workspacePicker.hidden = !session.org || state.scope === 'organization';
  el.workspaceSelect.value = state.workspaceId || session.workspaces[0]?.id || '';
  void load();
}

/** @param {string} key */
async function signIn(key) {
  session.key = key;
  try {
    const probe = await query('events.list', { scope: 'organization', limit: 1 }, key);
    Object.assign(session, { org: true, workspaces: probe.workspaces });
  } catch (err) {
    if (err instanceof ApiError && err.code === 'UNAUTHORIZED') throw err;
    // A workspace key cannot ask for organization scope: that refusal is how it is recognised.
    const orgWithoutEnterprise = isUpgradeNeeded(err) && /organization/.test(err instanceof Error ? err.message : '');
    Object.assign(session, { org: orgWithoutEnterprise, workspaces: [] });
  }
  sessionStorage.setItem(KEY_STORAGE, key);
  el.keyHint.textContent = `${key.slice(0, 10)}… · ${session.org ? 'organization key' : 'workspace key'}`;
  el.keyInfo.hidden = false;
  el.signin.hidden = true;
  el.log.hidden = false;
  el.headControls.hidden = false;
  el.scopeSwitch.hidden = !session.org || session.workspaces.length === 0;
  el.workspaceSelect.replaceChildren(...session.workspaces.map((w) => h('option', { value: w.id }, `${w.name}`)));
  el.subtitle.textContent = session.org ? 'Organization key: read one workspace or all Enterprise workspaces.' : 'Who did what, where, and when.';
  render();
}

/** @param {string | Event} [message] */
function signOut(message) {
  sessionStorage.removeItem(KEY_STORAGE);
  Object.assign(session, { key: '', org: false, workspaces: [] });
  el.log.hidden = el.headControls.hidden = el.keyInfo.hidden = true;
  el.signin.hidden = false;
  el.signinError.textContent = typeof message === 'string' ? message : '';
  el.keyInput.value = '';
  el.keyInput.focus();
}

function exportCurrent() {
  const input = listInput();
  const fields = { key: session.key, format: /** @type {HTMLSelectElement} */ (byId('export-format')).value, q: input.q, categories: state.categories.join(','), scope: input.scope, workspaceId: input.workspaceId };
  const form = h('form', { method: 'post', action: '/export', hidden: true });
  for (const [name, value] of Object.entries(fields)) if (value) form.append(h('input', { type: 'hidden', name, value: String(value) }));
  document.body.append(form);
  form.submit();
  form.remove();
}

/** @param {HTMLTableRowElement} row */
async function toggleRow(row) {
  const id = row.dataset.id ?? '';
  const open = row.nextElementSibling?.getAttribute('data-details-for') === id;
  if (open) {
    row.nextElementSibling?.remove();
    row.setAttribute('aria-expanded', 'false');
    return;
  }
  row.setAttribute('aria-expanded', 'true');
  const details = detailsRow(columns(), id);
  row.after(details);
  const item = page.items.find((e) => e.id === id);
  try {
    const full = await query('events.get', { id, ...(session.org ? { workspaceId: item?.workspaceId } : {}) }, session.key);
    fillDetails(details, { ...full, workspaceName: item?.workspaceName ?? '' }, state.utc);
  } catch (err) {
    details.firstElementChild?.replaceChildren(h('div', { class: 'status error' }, `Details could not be loaded: ${err instanceof Error ? err.message : String(err)}`));
  }
}

/**
 * An expired key is told so, in the service's words (which say when); any other refusal stays
 * generic, so a mistyped key and a revoked one read the same.
 * @param {unknown} err @returns {string}
 */
function signInRefusal(err) {
  if (!(err instanceof ApiError && err.code === 'UNAUTHORIZED')) return String(err instanceof Error ? err.message : err);
  if (/\bexpired\b/.test(err.message)) return err.message.charAt(0).toUpperCase() + err.message.slice(1);
  return 'This key was not accepted: check that it is complete and not revoked.';
}

function wire() {
  el.categoryOptions.replaceChildren(...CATEGORIES.map((c) => h('label', {}, h('input', { type: 'checkbox', value: c }), c)));
  el.signinForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    el.signinError.textContent = '';
    const key = el.keyInput.value.trim();
    try {
      await signIn(key);
    } catch (err) {
      session.key = '';
      el.signinError.textContent = signInRefusal(err);
    }
  });
  byId('sign-out').addEventListener('click', () => signOut());
  el.searchForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    /** @type {HTMLDetailsElement} */ (el.categoryFilter).open = false;
    navigate({ q: el.q.value.trim(), categories: [...el.categoryOptions.querySelectorAll('input')].filter((b) => b.checked).map((b) => b.value) });
  });
  el.categoryOptions.addEventListener('change', () => {
    navigate({ categories: [...el.categoryOptions.querySelectorAll('input')].filter((b) => b.checked).map((b) => b.value), q: el.q.value.trim() });
  });
  byId('category-clear').addEventListener('click', () => navigate({ categories: [] }));
  el.scopeSwitch.addEventListener('click', (ev) => {
    const scope = /** @type {HTMLElement} */ (ev.target).closest('button')?.dataset.scope;
    if (scope === 'workspace' || scope === 'organization') navigate({ scope });
  });
  el.workspaceSelect.addEventListener('change', () => navigate({ workspaceId: el.workspaceSelect.value }));
  el.pageSize.addEventListener('change', () => navigate({ limit: Number(el.pageSize.value) }));
  el.utc.addEventListener('change', () => navigate({ utc: el.utc.checked }, { keepPage: true }));
  el.next.addEventListener('click', () => page.nextCursor && navigate({ cursor: page.nextCursor, page: state.page + 1 }, { keepPage: true }));
  el.prev.addEventListener('click', () => page.prevCursor && navigate({ cursor: state.page > 2 ? page.prevCursor : '', page: Math.max(1, state.page - 1) }, { keepPage: true }));
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
  document.addEventListener('keydown', (ev) => {
    const typing = ev.target instanceof HTMLInputElement || ev.target instanceof HTMLSelectElement || ev.target instanceof HTMLTextAreaElement;
    if (ev.key === '/' && !typing && !el.log.hidden) {
      ev.preventDefault();
      el.q.focus();
    }
  });
  window.addEventListener('popstate', () => {
    state = readState(location.search);
    if (session.key) render();
  });
  setInterval(() => refreshRelativeTimes(el.rows), 30_000);
}

wire();
const stored = sessionStorage.getItem(KEY_STORAGE);
if (stored) signIn(stored).catch(() => signOut('This API key is no longer accepted. Sign in with another key.'));
else signOut();
