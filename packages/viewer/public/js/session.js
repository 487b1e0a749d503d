// @ts-check
import { ApiError, isUpgradeNeeded, query } from './api.js';
import { byId } from './dom.js';

// Both pages read the same key: signing in on one signs in on the other, in this tab only.
const KEY_STORAGE = 'audit.apiKey';

/**
 * Who the key is: a workspace key, or an organization key with the Enterprise workspaces it
 * reads (an organization key without `events:read` is seen as a workspace key, and the pages
 * say so when a call then asks for a workspace).
 * @typedef {{ key: string, org: boolean, workspaces: { id: string, name: string }[] }} Session
 */

/** @param {string} key @returns {Promise<Session>} */
export async function probeKey(key) {
  try {
    const probe = await query('events.list', { scope: 'organization', limit: 1 }, key);
    return { key, org: true, workspaces: probe.workspaces };
  } catch (err) {
    if (err instanceof ApiError && err.code === 'UNAUTHORIZED') throw err;
    // A workspace key cannot ask for organization scope: that refusal is how it is recognised.
    const orgWithoutEnterprise = isUpgradeNeeded(err) && /organization/.test(err instanceof Error ? err.message : '');
    return { key, org: orgWithoutEnterprise, workspaces: [] };
  }
}

export function storedKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

/** @param {Session} s */
export function remember(s) {
  sessionStorage.setItem(KEY_STORAGE, s.key);
  byId('key-hint').textContent = `${s.key.slice(0, 10)}… · ${s.org ? 'organization key' : 'workspace key'}`;
  byId('key-info').hidden = false;
}

export function forget() {
  sessionStorage.removeItem(KEY_STORAGE);
  byId('key-info').hidden = true;
}

/**
 * Wires the sign-in card both pages share. `onSignIn` throws to refuse a key; its message is
 * shown under the field.
 * @param {(key: string) => Promise<void>} onSignIn @param {() => void} onSignOut
 */
export function wireSignIn(onSignIn, onSignOut) {
  const form = /** @type {HTMLFormElement} */ (byId('signin-form'));
  const input = /** @type {HTMLInputElement} */ (byId('key-input'));
  const error = byId('signin-error');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    try {
      await onSignIn(input.value.trim());
    } catch (err) {
      error.textContent =
        err instanceof ApiError && err.code === 'UNAUTHORIZED'
          ? unauthorizedText(err)
          : String(err instanceof Error ? err.message : err);
    }
  });
  byId('sign-out').addEventListener('click', () => onSignOut());
}

/** @param {ApiError} err */
function unauthorizedText(err) {
  return /expired/.test(err.message)
    ? `This key has expired: ${err.message}`
    : 'This key was not accepted: check that it is complete and not revoked.';
}

/** Shows the sign-in card, with why when a key stopped working. @param {string} [message] */
export function showSignIn(message) {
  forget();
  byId('signin').hidden = false;
  byId('signin-error').textContent = message ?? '';
  const input = /** @type {HTMLInputElement} */ (byId('key-input'));
  input.value = '';
  input.focus();
}
