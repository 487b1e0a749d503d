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
    const s = await query('retention.status', workspaceId ? { workspaceId } : {}, key);
    const at = new Date(s.nextPurgeAt);
    const hhmm = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')} UTC`;
    box.textContent = `Events are kept ${s.retentionDays} days${org ? ' in Enterprise workspaces' : ''} · next purge ${hhmm} (${relativeTime(s.nextPurgeAt)})`;
    box.title = s.oldestEventAt ? `Oldest event kept: ${s.oldestEventAt}${s.lastPurgeAt ? `\nLast purge: ${s.lastPurgeAt}` : ''}` : '';
    box.hidden = false;
  } catch {
    box.hidden = true;
  }
}
