// @ts-check
import { ApiError, isMissingScope, isUpgradeNeeded, mutate, query } from '../api.js';
import { byId, h } from '../dom.js';
import { refreshRelativeTimes, skeletonRows } from '../table.js';
import { probeKey, remember, showSignIn, storedKey, wireSignIn } from '../session.js';
import { hideState, showState } from '../states.js';
import { makeDetailActions } from './actions.js';
import { renderDeliveries } from './deliveries-view.js';
import { showSecretOnce } from './dialogs.js';
import { redactUrl } from './describe.js';
import { renderDetail, updateDetail } from './detail-view.js';
import { renderForm } from './form-view.js';
import { renderList } from './list-view.js';

/** The page follows its URL: `?id=` a destination, `&edit=1` its form, `?new=1` Add Destination. */
const readView = () => {
  const p = new URLSearchParams(location.search);
  const id = p.get('id') ?? '';
  return {
    id: /^whk_[0-9A-Za-z]{1,40}$/.test(id) ? id : '',
    add: p.get('new') === '1',
    edit: p.get('edit') === '1',
    workspaceId: p.get('workspace') ?? '',
  };
};
const POLL_MS = 3000;

/** @type {import('../session.js').Session} */
let session = { key: '', org: false, workspaces: [] };
let view = readView();
/** @type {import('./describe.js').Hook | null} */
let current = null;
let renderSeq = 0;
/** @type {ReturnType<typeof setTimeout> | null} */
let poll = null;
const deliveries = {
  status: '',
  cursor: /** @type {string | null} */ (null),
  pages: 1,
  open: new Set(/** @type {string[]} */ ([])),
};

const el = {
  signin: byId('signin'),
  headControls: byId('head-controls'),
  pageState: byId('page-state'),
  title: byId('page-title'),
  list: byId('list-view'),
  rows: byId('hook-rows'),
  listEmpty: byId('list-empty'),
  listStatus: byId('list-status'),
  form: byId('form-view'),
  detail: byId('detail-view'),
  add: /** @type {HTMLButtonElement} */ (byId('add-destination')),
  picker: byId('workspace-picker'),
  workspace: /** @type {HTMLSelectElement} */ (byId('workspace-select')),
};

const ws = () => (session.org ? { workspaceId: view.workspaceId || session.workspaces[0]?.id } : {});
const call = (/** @type {string} */ path, /** @type {Record<string, unknown>} */ input) =>
  query(path, { ...ws(), ...input }, session.key);
const act = (/** @type {string} */ path, /** @type {Record<string, unknown>} */ input) =>
  mutate(path, { ...ws(), ...input }, session.key);

/** @param {{ id?: string, add?: boolean, edit?: boolean }} next */
function go(next) {
  const p = new URLSearchParams();
  if (session.org && view.workspaceId) p.set('workspace', view.workspaceId);
  if (next.id) p.set('id', next.id);
  if (next.edit) p.set('edit', '1');
  if (next.add) p.set('new', '1');
  history.pushState(null, '', `${location.pathname}${p.size > 0 ? `?${p}` : ''}`);
  view = readView();
  void render();
}

function hideViews() {
  el.list.hidden = el.form.hidden = el.detail.hidden = true;
  hideState(el.pageState);
}

async function render() {
  const seq = ++renderSeq;
  if (poll) clearTimeout(poll);
  hideViews();
  el.headControls.hidden = false;
  el.picker.hidden = !session.org || session.workspaces.length < 2;
  el.add.hidden = view.add || view.edit;
  try {
    if (view.add) {
      el.title.textContent = 'Add destination';
      el.form.hidden = false;
      renderForm(el.form, { hook: null, onCancel: () => go({}), onSubmit: create });
    } else if (view.id) {
      el.title.textContent = 'Destination';
      el.detail.replaceChildren(h('div', { class: 'status' }, 'Loading the destination…'));
      el.detail.hidden = false;
      current = await call('webhooks.get', { id: view.id });
      if (seq !== renderSeq || !current) return;
      if (view.edit) {
        el.detail.hidden = true;
        el.form.hidden = false;
        renderForm(el.form, { hook: current, onCancel: () => go({ id: view.id }), onSubmit: save });
      } else {
        Object.assign(deliveries, { cursor: null, pages: 1 });
        deliveries.open.clear();
        renderDetail(el.detail, current, detailActions());
        await loadDeliveries(false);
        schedule(seq, refreshDetail);
      }
    } else {
      el.title.textContent = 'Webhooks';
      el.list.hidden = false;
      el.listStatus.textContent = 'Loading destinations…';
      el.rows.replaceChildren(...skeletonRows(6, 3));
      el.list.querySelector('table')?.removeAttribute('hidden');
      el.listEmpty.hidden = true;
      await refreshList();
      schedule(seq, refreshList);
    }
  } catch (err) {
    if (seq === renderSeq) showPageError(err);
  }
}

/** @param {number} seq @param {() => Promise<void>} fn */
function schedule(seq, fn) {
  poll = setTimeout(async () => {
    if (seq !== renderSeq) return;
    try {
      await fn();
    } catch {
      // The next tick tries again; what is on screen stays.
    }
    if (seq === renderSeq) schedule(seq, fn);
  }, POLL_MS);
}

async function refreshList() {
  const { items } = await call('webhooks.list', {});
  el.listStatus.textContent =
    items.length > 0
      ? `${items.length} destination${items.length === 1 ? '' : 's'} · updated ${new Date().toLocaleTimeString()}`
      : '';
  renderList(el.rows, items, (id) => go({ id }));
  el.list.querySelector('.table-wrap table')?.toggleAttribute('hidden', items.length === 0);
  el.listEmpty.hidden = items.length > 0;
  if (items.length === 0) {
    showState(el.listEmpty, {
      kind: 'empty',
      title: 'No destinations yet',
      text: 'A destination is an HTTPS endpoint (your SIEM, a log pipeline or your own service) that receives every audit event of this workspace within seconds, in batches, signed with a secret only you hold, and retried until it is delivered.',
      action: { label: 'Add destination', run: () => go({ add: true }) },
    });
  }
}

async function refreshDetail() {
  if (!current) return;
  current = await call('webhooks.get', { id: current.id });
  if (current) updateDetail(el.detail, current);
  const rows = el.detail.querySelector('#d-delivery-rows');
  // Only the first page follows along, and never while the reader is in it.
  if (deliveries.pages === 1 && rows && !rows.contains(document.activeElement)) await loadDeliveries(false);
  refreshRelativeTimes(el.detail);
}

/** @param {boolean} append */
async function loadDeliveries(append) {
  if (!current) return;
  const result = await call('webhooks.deliveries', {
    webhookId: current.id,
    limit: 20,
    ...(deliveries.status ? { status: deliveries.status } : {}),
    ...(append && deliveries.cursor ? { cursor: deliveries.cursor } : {}),
  });
  const rows = /** @type {HTMLElement} */ (el.detail.querySelector('#d-delivery-rows'));
  const empty = /** @type {HTMLElement} */ (el.detail.querySelector('#d-deliveries-empty'));
  renderDeliveries(rows, result.items, {
    append,
    open: deliveries.open,
    redeliver: (d, button) => void redeliver(d.id, button),
  });
  deliveries.cursor = result.nextCursor;
  if (append) deliveries.pages++;
  /** @type {HTMLElement} */ (el.detail.querySelector('#d-more')).hidden = !result.nextCursor;
  const none = !append && result.items.length === 0;
  empty.hidden = !none;
  if (none)
    showState(empty, {
      kind: 'empty',
      title: deliveries.status ? `No ${deliveries.status} deliveries` : 'No deliveries yet',
      text: 'Batches appear here as events are recorded and sent. Send a test event to check the receiver now.',
    });
}

/** @param {string} id @param {HTMLButtonElement} button */
async function redeliver(id, button) {
  button.disabled = true;
  button.textContent = 'Queued…';
  try {
    await act('webhooks.redeliver', { deliveryId: id });
    button.textContent = 'Redelivering';
    setTimeout(() => void loadDeliveries(false).catch(() => {}), 1500);
  } catch (err) {
    button.disabled = false;
    button.textContent = 'Redeliver';
    button.title = err instanceof Error ? err.message : String(err);
  }
}

function detailActions() {
  return makeDetailActions({
    hook: () => /** @type {import('./describe.js').Hook} */ (current),
    setHook: (hook) => {
      current = hook;
      updateDetail(el.detail, hook);
    },
    act,
    go,
    box: el.detail,
    refresh: () => refreshDetail(),
    reloadDeliveries: () => loadDeliveries(false),
    filter: (status) => {
      Object.assign(deliveries, { status, cursor: null, pages: 1 });
      void loadDeliveries(false);
    },
    more: () => void loadDeliveries(true),
  });
}

/** @param {Record<string, unknown>} input */
async function create(input) {
  const r = await act('webhooks.create', input);
  await showSecretOnce(
    r.secret,
    `Signing secret for ${redactUrl(r.webhook.url)}. Receivers verify each batch's webhook-signature header with it (Standard Webhooks).`,
  );
  go({ id: r.webhook.id });
}

/** @param {Record<string, unknown>} input */
async function save(input) {
  if (!current) return;
  await act('webhooks.update', { id: current.id, ...input });
  go({ id: current.id });
}

/** @param {unknown} err */
function showPageError(err) {
  hideViews();
  if (err instanceof ApiError && err.code === 'UNAUTHORIZED')
    return signOut(
      /expired/.test(err.message)
        ? `This key has expired: ${err.message}`
        : 'This API key is no longer accepted. Sign in with another key.',
    );
  el.add.hidden = true;
  if (isUpgradeNeeded(err))
    return showState(el.pageState, {
      kind: 'upgrade',
      title: 'Webhook streaming is part of the Enterprise plan',
      text: 'Enterprise workspaces stream every audit event to their SIEM in real time. Ask an owner of your organization to upgrade; events are recorded on every plan meanwhile.',
      action: { label: 'Use another key', run: () => signOut() },
    });
  if (isMissingScope(err))
    return showState(el.pageState, {
      kind: 'scope',
      title: 'This key cannot manage webhooks',
      text: 'Managing destinations needs an API key with the webhooks:manage scope. Ask an administrator for one; reading the audit log needs only events:read.',
      action: { label: 'Use another key', run: () => signOut() },
    });
  if (err instanceof ApiError && err.code === 'NOT_FOUND')
    return showState(el.pageState, {
      kind: 'empty',
      title: 'No such destination',
      text: 'It was deleted, or it belongs to another workspace.',
      action: { label: 'All destinations', run: () => go({}) },
    });
  const needsWorkspace = err instanceof ApiError && /workspaceId: required/.test(err.message);
  showState(el.pageState, {
    kind: 'error',
    title: needsWorkspace ? 'Pick a workspace' : 'The destinations could not be loaded',
    text: needsWorkspace
      ? 'This organization key cannot list its workspaces (it lacks events:read): use a workspace key to manage its destinations.'
      : err instanceof Error
        ? err.message
        : String(err),
    action: { label: 'Try again', run: () => void render() },
  });
}

/** @param {string} key */
async function signIn(key) {
  session = await probeKey(key);
  remember(session);
  el.signin.hidden = true;
  el.workspace.replaceChildren(
    ...session.workspaces.map((w) => h('option', { value: w.id, selected: w.id === view.workspaceId }, w.name)),
  );
  await render();
}

/** @param {string} [message] */
function signOut(message) {
  renderSeq++;
  if (poll) clearTimeout(poll);
  session = { key: '', org: false, workspaces: [] };
  hideViews();
  el.headControls.hidden = true;
  showSignIn(message);
}

wireSignIn(signIn, () => signOut());
el.add.addEventListener('click', () => go({ add: true }));
el.workspace.addEventListener('change', () => {
  view.workspaceId = el.workspace.value;
  go({});
});
window.addEventListener('popstate', () => {
  view = readView();
  if (session.key) void render();
});
const stored = storedKey();
if (stored) signIn(stored).catch(() => signOut('This API key is no longer accepted. Sign in with another key.'));
else signOut();
