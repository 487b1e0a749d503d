// @ts-check
// The "Tamper evidence" line of an expanded row: asks events.proof and verifies it in the browser.
import { query } from '../api.js';
import { h } from '../dom.js';
import { exactTime } from '../format.js';
import { UNSEALED, verifyProof } from './verify-proof.js';

/** RFC 8785 from the `canonicalize` package, served from node_modules as it was published. */
const CANONICALIZE_URL = '/vendor/canonicalize.js';
const KEYS_URL = '/.well-known/audit-log-keys.json';

/** @type {Promise<import('./verify-proof.js').PublishedKey[]> | null} */
let keys = null;
/** Key ids already asked for again after a miss: a rotation since the page loaded, asked once. */
const refreshedFor = new Set();

/** @returns {Promise<import('./verify-proof.js').PublishedKey[]>} */
function publishedKeys() {
  if (!keys) {
    const loading = fetch(KEYS_URL, { cache: 'no-store' }).then(async (res) => {
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = await res.json();
      if (!Array.isArray(body?.keys)) throw new Error('no key list');
      return /** @type {import('./verify-proof.js').PublishedKey[]} */ (body.keys);
    });
    keys = loading;
    // A failed answer is not kept: the next row asks again.
    loading.catch(() => {
      if (keys === loading) keys = null;
    });
  }
  return keys;
}

/** @param {string} keyId @returns {Promise<import('./verify-proof.js').PublishedKey[] | null>} */
async function keysFor(keyId) {
  try {
    const list = await publishedKeys();
    if (list.some((k) => k.keyId === keyId) || refreshedFor.has(keyId)) return list;
    refreshedFor.add(keyId);
    keys = null;
    return await publishedKeys();
  } catch {
    return null;
  }
}

/** The line, before anything is known. */
export function proofLine() {
  return h('span', { class: 'proof', role: 'status', 'data-state': 'checking' }, 'Checking…');
}

/**
 * @param {HTMLElement} line from proofLine()
 * @param {import('./verify-proof.js').ProvenEvent} event as events.get returned it
 * @param {Promise<import('./verify-proof.js').Proof>} proof the events.proof call, already under way
 * @param {boolean} utc
 */
export async function showProof(line, event, proof, utc) {
  /** @param {string} state @param {string} text */
  const show = (state, text) => {
    line.dataset.state = state;
    line.className = `proof ${state === 'verified' ? 'ok' : state === 'failed' ? 'failed' : state === 'unsealed' ? 'pending' : 'unverified'}`;
    line.textContent = text;
  };
  let p;
  try {
    p = await proof;
  } catch (err) {
    return show('error', `Could not be checked: ${err instanceof Error ? err.message : String(err)}`);
  }
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    return p.sealed
      ? show(
          'unverified',
          `Sealed in checkpoint #${p.checkpoint.number}, but not verified: this page cannot use Web Crypto (it needs HTTPS)`,
        )
      : show('unsealed', UNSEALED);
  }
  try {
    const { default: canonicalize } = /** @type {{ default: import('./event-hash.js').Canonicalize }} */ (
      await import(CANONICALIZE_URL)
    );
    const verdict = await verifyProof(event, p, p.sealed ? await keysFor(p.checkpoint.keyId) : [], {
      canonicalize,
      subtle,
      showTime: (iso) => exactTime(iso, utc),
    });
    show(verdict.state, verdict.text);
  } catch (err) {
    show('error', `Could not be checked: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** @param {string} id @param {string | undefined} workspaceId for an organization key @param {string} key */
export function askProof(id, workspaceId, key) {
  const p = /** @type {Promise<import('./verify-proof.js').Proof>} */ (
    query('events.proof', { id, ...(workspaceId ? { workspaceId } : {}) }, key)
  );
  // Read when the details are shown; a row collapsed before that must not leave it unhandled.
  p.catch(() => {});
  return p;
}
