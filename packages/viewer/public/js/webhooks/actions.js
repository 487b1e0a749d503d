// @ts-check
import { h } from '../dom.js';
import { confirmAction, showSecretOnce } from './dialogs.js';
import { redactUrl } from './describe.js';

/**
 * What the destination view's buttons do. Each mutation runs through `runAction`, which shows
 * the server's own message when it refuses.
 * @param {{ hook: () => import('./describe.js').Hook, setHook: (h: import('./describe.js').Hook) => void, act: (path: string, input: Record<string, unknown>) => Promise<any>,
 *   go: (next: { id?: string, edit?: boolean }) => void, box: HTMLElement, refresh: () => Promise<void>, reloadDeliveries: () => Promise<void>,
 *   filter: (status: string) => void, more: () => void }} c
 * @returns {import('./detail-view.js').DetailActions}
 */
export function makeDetailActions(c) {
  return {
    back: () => c.go({}),
    edit: () => c.go({ id: c.hook().id, edit: true }),
    filter: c.filter,
    more: c.more,
    test: async (out, button) => {
      button.disabled = true;
      button.textContent = 'Sending…';
      out.hidden = false;
      out.className = 'outcome';
      out.removeAttribute('data-outcome');
      out.replaceChildren('Sending a test event through the delivery path…');
      try {
        const r = await c.act('webhooks.test', { id: c.hook().id });
        out.className = `outcome ${r.ok ? 'tone-ok' : 'tone-bad'}`;
        out.setAttribute('data-outcome', r.ok ? 'ok' : 'failed');
        out.replaceChildren(
          h('strong', {}, r.ok ? 'Test delivered' : 'Test failed'),
          ` · ${r.responseStatus ? `HTTP ${r.responseStatus}` : 'no response'} · ${r.durationMs} ms`,
          // With a response code the error line would only repeat it.
          ...(r.error && !r.responseStatus ? [h('p', { class: 'outcome-error' }, r.error)] : []),
          ...(r.responseBody
            ? [h('pre', { class: 'body-excerpt', 'aria-label': 'Response body' }, r.responseBody.slice(0, 1000))]
            : []),
        );
        await c.refresh();
      } catch (err) {
        out.className = 'outcome tone-bad';
        out.setAttribute('data-outcome', 'error');
        out.replaceChildren(
          h('strong', {}, 'The test could not run'),
          ` · ${err instanceof Error ? err.message : String(err)}`,
        );
      } finally {
        button.disabled = false;
        button.textContent = 'Send test event';
      }
    },
    toggle: async () => {
      const hook = c.hook();
      /** @type {Record<string, unknown>} */
      const input = { id: hook.id, enabled: !hook.enabled };
      if (!hook.enabled) {
        const choice = await confirmAction({
          title: `Enable ${redactUrl(hook.url)}?`,
          body: ['Events recorded while it was disabled can be delivered now, or skipped.'],
          ok: 'Enable',
          choices: [
            { value: 'position', label: 'Resume where it stopped', hint: meanwhile(hook.stream?.backlog ?? 0) },
            {
              value: 'now',
              label: 'Resume from now',
              hint: 'Skips what was recorded while disabled (a replay can send it later).',
            },
          ],
        });
        if (!choice) return;
        input.resumeFrom = choice;
      }
      await runAction(c.box, async () => c.setHook(await c.act('webhooks.update', input)));
    },
    rotate: async () => {
      const ok = await confirmAction({
        title: 'Rotate the signing secret?',
        body: [
          'A new secret signs from now on. The current one keeps signing beside it for 24 hours, so receivers can switch over without rejecting a batch.',
        ],
        ok: 'Rotate secret',
      });
      if (!ok) return;
      await runAction(c.box, async () => {
        const r = await c.act('webhooks.rotateSecret', { id: c.hook().id });
        c.setHook(r.webhook);
        await showSecretOnce(
          r.secret,
          `The new secret for ${redactUrl(r.webhook.url)}. The old one keeps signing beside it until ${new Date(r.previousSecretExpiresAt).toUTCString()} (24 hours).`,
        );
      });
    },
    remove: async () => {
      const hook = c.hook();
      const ok = await confirmAction({
        title: 'Delete this destination?',
        body: [
          h(
            'p',
            {},
            'Events stop streaming to ',
            h('code', { class: 'wrap', id: 'confirm-url' }, hook.url),
            ' at once, and its delivery history is removed. This cannot be undone.',
          ),
        ],
        ok: 'Delete destination',
        danger: true,
      });
      if (!ok) return;
      await runAction(c.box, async () => {
        await c.act('webhooks.delete', { id: hook.id });
        c.go({});
      });
    },
    replay: (since, until, out) =>
      runAction(
        c.box,
        async () => {
          const r = await c.act('webhooks.replay', { id: c.hook().id, since, ...(until ? { until } : {}) });
          out.textContent = `Replay started from event #${r.fromSeq}${r.untilSeq ? ` through #${r.untilSeq}` : ''}; its batches appear below as replay.`;
          await c.reloadDeliveries();
        },
        out,
      ),
    recover: (since, out) =>
      runAction(
        c.box,
        async () => {
          const r = await c.act('webhooks.recover', { webhookId: c.hook().id, since });
          out.textContent =
            r.redelivered === 0
              ? 'No failed delivery since then.'
              : `${r.redelivered} failed deliver${r.redelivered === 1 ? 'y' : 'ies'} sent again${r.more ? '; more remain: run it again' : ''}.`;
          await c.reloadDeliveries();
        },
        out,
      ),
  };
}

/** The backlog counts the workspace's events before the destination's category filter. @param {number} n */
function meanwhile(n) {
  if (n === 0) return 'Delivers, in order, whatever this destination missed (nothing was recorded meanwhile).';
  return `Delivers, in order, what this destination missed of the ${n.toLocaleString('en')} event${n === 1 ? '' : 's'} recorded in the workspace meanwhile.`;
}

/**
 * Runs a mutation; a refusal is shown where the action was asked for (or in a banner on top).
 * @param {HTMLElement} box @param {() => Promise<void>} fn @param {HTMLElement} [out]
 */
export async function runAction(box, fn, out) {
  const banner = /** @type {HTMLElement | null} */ (box.querySelector('#d-action-error'));
  banner?.remove();
  out?.classList.remove('tone-bad');
  try {
    await fn();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (out) {
      out.textContent = message;
      out.classList.add('tone-bad');
      return;
    }
    box
      .querySelector('.detail-head')
      ?.append(h('p', { class: 'form-error', id: 'd-action-error', role: 'alert' }, message));
  }
}
