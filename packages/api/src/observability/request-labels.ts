/**
 * Label values of the HTTP metrics, from a closed set: the router's procedure names and a few
 * fixed routes. A path is chosen by the caller, so a label copied from it would let anyone
 * mint new time series (and a registry that grows without end) with one request each.
 */

/** Routes outside tRPC, by their path. */
const ROUTES: Record<string, string> = {
  '/healthz': 'healthz',
  '/readyz': 'readyz',
  '/metrics': 'metrics',
  '/export': 'export',
};

export const OTHER = 'other';
/** A tRPC batch (`/trpc/a,b`): its procedures share one HTTP request and one status. */
export const BATCH = 'batch';

/** `/trpc/events.record` → `events.record`; unknown procedures and paths → `other`. */
export function procedureLabel(path: string, known: ReadonlySet<string>): string {
  if (path.startsWith('/trpc/')) {
    const names = path.slice('/trpc/'.length).split(',');
    if (!names.every((n) => known.has(n))) return OTHER;
    return names.length === 1 ? names[0]! : BATCH;
  }
  return Object.hasOwn(ROUTES, path) ? ROUTES[path]! : OTHER;
}

/** The status as sent; a response cut short before it was finished is `aborted`. */
export function statusLabel(statusCode: number, finished: boolean): string {
  if (!finished) return 'aborted';
  return statusCode >= 100 && statusCode <= 599 ? String(statusCode) : OTHER;
}
