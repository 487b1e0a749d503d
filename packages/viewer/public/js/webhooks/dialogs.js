// @ts-check
import { byId, h } from '../dom.js';

/**
 * Shows a signing secret the one time it exists in the browser. Nothing keeps it: not the URL,
 * not storage; closing the dialog drops it from the page.
 * @param {string} secret @param {string} lead @returns {Promise<void>}
 */
export function showSecretOnce(secret, lead) {
  const dialog = /** @type {HTMLDialogElement} */ (byId('secret-dialog'));
  const value = /** @type {HTMLInputElement} */ (byId('secret-value'));
  const copy = byId('secret-copy');
  byId('secret-lead').textContent = lead;
  value.value = secret;
  copy.textContent = 'Copy';
  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      copy.textContent = 'Copied';
    } catch {
      // Without clipboard permission the text is selected, so Ctrl-C still works.
      value.select();
      copy.textContent = 'Press Ctrl-C to copy';
    }
  };
  copy.addEventListener('click', onCopy);
  dialog.showModal();
  value.select();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        value.value = '';
        copy.removeEventListener('click', onCopy);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * A confirmation that says exactly what will happen. Resolves with the chosen option's value,
 * or null when cancelled.
 * @param {{ title: string, body: (string | Node)[], ok: string, danger?: boolean, choices?: { value: string, label: string, hint: string }[] }} o
 * @returns {Promise<string | null>}
 */
export function confirmAction(o) {
  const dialog = /** @type {HTMLDialogElement} */ (byId('confirm-dialog'));
  byId('confirm-title').textContent = o.title;
  const choices = (o.choices ?? []).map((c, i) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'confirm-choice', value: c.value, checked: i === 0 }),
      h('span', {}, h('strong', {}, c.label), h('span', { class: 'hint' }, c.hint)),
    ),
  );
  byId('confirm-body').replaceChildren(...o.body.map((b) => (typeof b === 'string' ? h('p', {}, b) : b)), ...choices);
  const ok = byId('confirm-ok');
  ok.textContent = o.ok;
  ok.className = o.danger ? 'danger-solid' : 'primary';
  dialog.returnValue = '';
  dialog.showModal();
  byId('confirm-cancel').focus();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        if (dialog.returnValue !== 'ok') return resolve(null);
        const picked = /** @type {HTMLInputElement | null} */ (
          dialog.querySelector('input[name="confirm-choice"]:checked')
        );
        resolve(picked?.value ?? 'ok');
      },
      { once: true },
    );
  });
}
