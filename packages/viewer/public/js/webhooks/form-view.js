// @ts-check
import { CATEGORIES } from '../categories.js';
import { fromLocalInput } from '../date-range.js';
import { h } from '../dom.js';
import { FORMATS, SINGLE_EVENT } from './describe.js';

/** The fields the server may name in an error, each with the element that shows it. */
const FIELDS = ['url', 'description', 'headers', 'categories', 'format', 'batchSize', 'compression', 'startFrom'];

/**
 * Add Destination and Edit: one form. Saved header values are never sent back by the server,
 * so editing keeps them unless the user chooses to replace the whole set (and types every
 * value again).
 * @param {HTMLElement} box
 * @param {{ hook: import('./describe.js').Hook | null, onSubmit: (input: Record<string, unknown>) => Promise<void>, onCancel: () => void }} o
 */
export function renderForm(box, o) {
  const hook = o.hook;
  const editing = hook !== null;
  const url = input('f-url', {
    value: hook?.url ?? '',
    placeholder: 'https://siem.example.com/audit',
    inputmode: 'url',
    spellcheck: 'false',
    autocomplete: 'off',
    maxlength: 2048,
    required: true,
  });
  const description = input('f-description', {
    value: hook?.description ?? '',
    placeholder: 'e.g. Security SIEM (production)',
    maxlength: 500,
  });
  const headerRows = h('div', { class: 'header-rows', id: 'f-headers-rows' });
  let replacingHeaders = !editing || hook.headers.length === 0;
  const headersBox = h('div', { id: 'f-headers' });
  const drawHeaders = () => {
    if (!replacingHeaders && hook) {
      const replace = h(
        'button',
        { type: 'button', class: 'link-button', id: 'f-headers-replace' },
        'Replace headers…',
      );
      replace.addEventListener('click', () => {
        replacingHeaders = true;
        drawHeaders();
        /** @type {HTMLInputElement | null} */ (headerRows.querySelector('input.h-value'))?.focus();
      });
      headersBox.replaceChildren(
        h(
          'ul',
          { class: 'saved-headers' },
          ...hook.headers.map((x) => h('li', {}, h('code', {}, x.name), h('span', { class: 'masked' }, x.value))),
        ),
        h('p', { class: 'hint' }, 'Values are stored encrypted and never shown again. ', replace),
      );
      return;
    }
    headerRows.replaceChildren();
    for (const x of hook?.headers ?? []) headerRows.append(headerRow(x.name, ''));
    const add = h('button', { type: 'button', id: 'f-header-add' }, '+ Add header');
    add.addEventListener('click', () => {
      const row = headerRow('', '');
      headerRows.append(row);
      /** @type {HTMLInputElement} */ (row.querySelector('input'))?.focus();
    });
    headersBox.replaceChildren(
      headerRows,
      h(
        'div',
        { class: 'header-actions' },
        add,
        h(
          'span',
          { class: 'hint' },
          editing
            ? 'Saving replaces every header: type each value again.'
            : 'For a SIEM token, e.g. DD-API-KEY or Authorization. Values are masked once saved.',
        ),
      ),
    );
  };
  drawHeaders();

  const allCats = /** @type {HTMLInputElement} */ (
    h('input', { type: 'checkbox', id: 'f-cat-all', checked: !hook || hook.categories.length === 0 })
  );
  const catBoxes = CATEGORIES.map(
    (c) =>
      /** @type {HTMLInputElement} */ (
        h('input', { type: 'checkbox', value: c, checked: Boolean(hook?.categories.includes(c)) })
      ),
  );
  const syncCats = () =>
    catBoxes.forEach((b) => {
      b.disabled = allCats.checked;
    });
  allCats.addEventListener('change', syncCats);
  syncCats();
  const format = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { id: 'f-format' },
      ...FORMATS.map(([id, label]) =>
        h('option', { value: id, selected: (hook?.format ?? 'cloudevents') === id }, label),
      ),
    )
  );
  const formatHelp = h('p', { class: 'hint', id: 'f-format-help' });
  const batch = input('f-batchSize', {
    type: 'number',
    min: 1,
    max: 100,
    step: 1,
    value: String(hook?.batchSize ?? 100),
  });
  const compression = /** @type {HTMLSelectElement} */ (
    h(
      'select',
      { id: 'f-compression' },
      h('option', { value: 'none', selected: hook?.compression !== 'gzip' }, 'None'),
      h('option', { value: 'gzip', selected: hook?.compression === 'gzip' }, 'gzip'),
    )
  );
  const syncFormat = () => {
    formatHelp.textContent = FORMATS.find(([id]) => id === format.value)?.[2] ?? '';
    const single = SINGLE_EVENT.includes(format.value);
    batch.disabled = single;
    if (single) batch.value = '1';
    else if (batch.value === '1' && !hook) batch.value = '100';
  };
  format.addEventListener('change', syncFormat);
  syncFormat();
  const startNow = /** @type {HTMLInputElement} */ (
    h('input', { type: 'radio', name: 'start', value: 'now', id: 'f-start-now', checked: true })
  );
  const startAt = /** @type {HTMLInputElement} */ (
    h('input', { type: 'radio', name: 'start', value: 'at', id: 'f-start-at' })
  );
  const startDate = input('f-startFrom', { type: 'datetime-local' });
  startDate.addEventListener('focus', () => {
    startAt.checked = true;
  });

  const formError = h('p', { class: 'form-error', id: 'f-error', role: 'alert' });
  const save = h(
    'button',
    { type: 'submit', class: 'primary', id: 'f-save' },
    editing ? 'Save changes' : 'Add destination',
  );
  const cancel = h('button', { type: 'button', id: 'f-cancel' }, 'Cancel');
  cancel.addEventListener('click', o.onCancel);
  const form = h(
    'form',
    { class: 'card hook-form', novalidate: true, autocomplete: 'off' },
    h('h2', { id: 'form-title' }, editing ? 'Edit destination' : 'Add destination'),
    field('URL', url, 'url', 'HTTPS only. Batches of events are POSTed here, signed with the destination’s secret.'),
    field('Description', description, 'description', 'Optional: who or what receives these events.'),
    group('Custom headers', headersBox, 'headers'),
    group(
      'Categories',
      h(
        'div',
        { class: 'cat-grid', id: 'f-categories' },
        h('label', { class: 'cat-all' }, allCats, 'All categories, including ones added later'),
        ...catBoxes.map((b) => h('label', {}, b, b.value)),
      ),
      'categories',
    ),
    h(
      'div',
      { class: 'form-cols' },
      h('div', {}, field('Format', format, 'format'), formatHelp),
      field('Batch size', batch, 'batchSize', 'Events per request, 1 to 100.'),
      field('Compression', compression, 'compression', 'gzip the body; the signature covers the uncompressed body.'),
    ),
    editing
      ? null
      : group(
          'Start from',
          h(
            'div',
            { class: 'start-from' },
            h('label', {}, startNow, 'Now: only events recorded from here on'),
            h('label', {}, startAt, 'A date: backfill events recorded since ', startDate),
          ),
          'startFrom',
        ),
    formError,
    h('div', { class: 'form-actions' }, cancel, save),
  );

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    /** @type {Record<string, unknown>} */
    const values = { url: url.value.trim(), format: format.value, compression: compression.value };
    if (!SINGLE_EVENT.includes(format.value)) values.batchSize = Number(batch.value);
    if (description.value.trim() || editing)
      values.description = description.value.trim() || (editing ? null : undefined);
    if (replacingHeaders) {
      values.headers = readHeaders(headerRows);
      const blank = Object.entries(/** @type {Record<string, string>} */ (values.headers))
        .filter(([name, v]) => name && v === '')
        .map(([name]) => name);
      if (blank.length > 0)
        return showErrors(form, [
          {
            path: 'headers',
            message: `type the value of ${blank.join(', ')}: saved values are never shown, so each is entered again`,
          },
        ]);
    }
    values.categories = allCats.checked ? [] : catBoxes.filter((b) => b.checked).map((b) => b.value);
    if (!editing && startAt.checked) {
      const at = fromLocalInput(startDate.value, false);
      if (!at) return showErrors(form, [{ path: 'startFrom', message: 'pick the date and time to backfill from' }]);
      values.startFrom = at;
    }
    if (!allCats.checked && /** @type {string[]} */ (values.categories).length === 0)
      return showErrors(form, [{ path: 'categories', message: 'pick at least one category, or All categories' }]);
    save.setAttribute('disabled', '');
    save.textContent = 'Saving…';
    try {
      await o.onSubmit(values);
    } catch (err) {
      const issues = /** @type {{ issues?: { path: string, message: string }[] }} */ (err).issues;
      showErrors(
        form,
        issues && issues.length > 0
          ? issues
          : [{ path: '', message: err instanceof Error ? err.message : String(err) }],
      );
    } finally {
      save.removeAttribute('disabled');
      save.textContent = editing ? 'Save changes' : 'Add destination';
    }
  });
  box.replaceChildren(form);
  url.focus();
}

/** @param {string} id @param {Record<string, string | number | boolean>} attrs */
function input(id, attrs) {
  return /** @type {HTMLInputElement} */ (
    h('input', { id, type: 'text', ...attrs, 'aria-describedby': `${id}-error` })
  );
}

/** @param {string} label @param {HTMLElement} control @param {string} name @param {string} [hint] */
function field(label, control, name, hint) {
  return h(
    'div',
    { class: 'field', 'data-field': name },
    h('label', { for: control.id }, label),
    control,
    hint ? h('p', { class: 'hint' }, hint) : null,
    h('p', { class: 'field-error', id: `f-${name}-error` }),
  );
}

/** @param {string} legend @param {HTMLElement} body @param {string} name */
function group(legend, body, name) {
  return h(
    'fieldset',
    { class: 'field', 'data-field': name, 'aria-describedby': `f-${name}-error` },
    h('legend', {}, legend),
    body,
    h('p', { class: 'field-error', id: `f-${name}-error` }),
  );
}

/** @param {string} name @param {string} value */
function headerRow(name, value) {
  const n = h('input', {
    class: 'h-name',
    'aria-label': 'Header name',
    placeholder: 'Header name',
    value: name,
    maxlength: 100,
    spellcheck: 'false',
  });
  const v = h('input', {
    class: 'h-value',
    type: 'password',
    'aria-label': `Value of ${name || 'the header'}`,
    placeholder: 'Value',
    value,
    maxlength: 2048,
    spellcheck: 'false',
    autocomplete: 'off',
  });
  const remove = h(
    'button',
    { type: 'button', class: 'icon-button', 'aria-label': 'Remove header', title: 'Remove header' },
    '×',
  );
  const row = h('div', { class: 'header-row' }, n, v, remove);
  remove.addEventListener('click', () => row.remove());
  n.addEventListener('input', () =>
    v.setAttribute('aria-label', `Value of ${/** @type {HTMLInputElement} */ (n).value || 'the header'}`),
  );
  return row;
}

/** @param {HTMLElement} rows @returns {Record<string, string>} */
function readHeaders(rows) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const row of rows.querySelectorAll('.header-row')) {
    const name = /** @type {HTMLInputElement} */ (row.querySelector('.h-name')).value.trim();
    const value = /** @type {HTMLInputElement} */ (row.querySelector('.h-value')).value;
    if (name || value) out[name] = value;
  }
  return out;
}

/** @param {HTMLElement} form */
function clearErrors(form) {
  for (const p of form.querySelectorAll('.field-error')) p.textContent = '';
  for (const f of form.querySelectorAll('[aria-invalid]')) f.removeAttribute('aria-invalid');
  const top = form.querySelector('#f-error');
  if (top) top.textContent = '';
}

/**
 * Each issue under its field, as the server wrote it; the first field at fault gets the focus.
 * @param {HTMLElement} form @param {{ path: string, message: string }[]} issues
 */
export function showErrors(form, issues) {
  /** @type {HTMLElement | null} */
  let first = null;
  const loose = [];
  for (const issue of issues) {
    const [name, ...rest] = issue.path.split('.');
    const target = name && FIELDS.includes(name) ? form.querySelector(`#f-${name}-error`) : null;
    if (!target) {
      loose.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
      continue;
    }
    const sub = rest.join('.');
    target.textContent = [target.textContent, sub ? `${sub}: ${issue.message}` : issue.message]
      .filter(Boolean)
      .join(' · ');
    const control = /** @type {HTMLElement | null} */ (
      form.querySelector(
        `[data-field="${name}"] input:not([type=checkbox]):not([type=radio]), [data-field="${name}"] select, [data-field="${name}"] input`,
      )
    );
    control?.setAttribute('aria-invalid', 'true');
    first ??= control;
  }
  const top = form.querySelector('#f-error');
  if (top) top.textContent = loose.join(' · ');
  first?.focus();
}
