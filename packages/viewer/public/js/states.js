// @ts-check
import { h } from './dom.js';

/**
 * The designed states of the table area, besides rows.
 * @param {HTMLElement} box
 * @param {{ kind: 'empty' | 'error' | 'upgrade' | 'scope', title: string, text: string, action?: { label: string, run: () => void } }} s
 */
export function showState(box, s) {
  // Plain symbols every system font has: emoji fonts are missing on many Linux desktops.
  const icons = { empty: '∅', error: '⚠', upgrade: '★', scope: '⚿' };
  const button = s.action
    ? h(
        'button',
        { type: 'button', class: s.kind === 'upgrade' || s.kind === 'empty' ? 'primary' : '' },
        s.action.label,
      )
    : null;
  if (button && s.action) button.addEventListener('click', s.action.run);
  box.className = `state ${s.kind}`;
  box.setAttribute('data-state', s.kind);
  box.replaceChildren(
    h('div', { class: 'icon', 'aria-hidden': 'true' }, icons[s.kind]),
    h('h2', {}, s.title),
    h('p', {}, s.text),
    ...(button ? [button] : []),
  );
  box.hidden = false;
}

/** @param {HTMLElement} box */
export function hideState(box) {
  box.hidden = true;
  box.removeAttribute('data-state');
  box.replaceChildren();
}

/**
 * Puts the caret where the server says a query went wrong (`q: at character 12: …`).
 * @param {HTMLInputElement} input @param {string} message
 */
export function markQueryError(input, message) {
  const m = /^q: at character (\d+):/.exec(message);
  if (!m) return false;
  const at = Math.min(Number(m[1]) - 1, input.value.length);
  input.setAttribute('aria-invalid', 'true');
  input.focus();
  input.setSelectionRange(at, Math.min(at + 1, input.value.length));
  return true;
}
