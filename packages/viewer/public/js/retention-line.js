// @ts-check
import { query } from './api.js';
import { relativeTime } from './format.js';

/**
 * "Events are kept 365 days · next purge 03:00 UTC (in 5 hours)": what a reader needs to know
 * before looking for something old. Quiet when it cannot be read: the log itself matters more.
 * @param {HTMLElement} box @param {string} key @param {string | undefined} workspaceId @param {boolean} org
 */
export async function showRetention(box, key, workspaceId, org) {
  try {
    const s = await statusFor(key, workspaceId);
    const at = new Date(s.nextPurgeAt);
    const hhmm = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')} UTC`;
    box.textContent = `Events are kept ${s.retentionDays} days${org ? ' in Enterprise workspaces' : ''} · next purge ${hhmm} (${relativeTime(s.nextPurgeAt)})`;
    box.title = s.oldestEventAt
      ? `Oldest event kept: ${s.oldestEventAt}${s.lastPurgeAt ? `\nLast purge: ${s.lastPurgeAt}` : ''}`
      : '';
    box.hidden = false;
  } catch {
    box.hidden = true;
  }
}

// Every search, page and toggle re-renders the page, but the answer changes once a day: asked
// again only for another key or workspace, or after a minute (its oldest-event look-up scans on
// FerretDB).
const FRESH_MS = 60_000;
/** @type {{ id: string, at: number, status: Promise<any> } | null} */
let last = null;

/** @param {string} key @param {string | undefined} workspaceId */
function statusFor(key, workspaceId) {
  const id = `${key}\n${workspaceId ?? ''}`;
  if (last && last.id === id && Date.now() - last.at < FRESH_MS) return last.status;
  const status = query('retention.status', workspaceId ? { workspaceId } : {}, key);
  last = { id, at: Date.now(), status };
  // A failed answer is not kept: the next render asks again.
  status.catch(() => {
    if (last?.status === status) last = null;
  });
  return status;
}
