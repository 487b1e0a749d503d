import type { Config } from '@audit/shared';

export interface SupervisorSettings {
  /** How far before its previous pass's start a pass looks (STREAM_SUPERVISOR_LOOKBACK_MS). */
  lookbackMs: number;
  /** A stream idle this long while its workspace has newer events is woken. */
  behindAfterMs: number;
}

/** Shorter than the lookback's lower bound, so a stream too freshly idle to wake is looked at again. */
export const BEHIND_AFTER_MS = 5_000;

export function supervisorSettingsFrom(config: Config): SupervisorSettings {
  return { lookbackMs: config.STREAM_SUPERVISOR_LOOKBACK_MS, behindAfterMs: BEHIND_AFTER_MS };
}
