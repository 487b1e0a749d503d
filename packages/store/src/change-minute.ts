/**
 * A time's minute as a string (`2030-01-01T00:03`), stored beside a change time so the change can
 * be looked up by the minutes of a window: FerretDB serves an equality or `$in` on a string from
 * an index and scans for a range on a date. ISO minutes sort in time order, so `$max` keeps the
 * latest, as it does for the date.
 */
export function minuteOf(at: Date): string {
  return at.toISOString().slice(0, 16);
}

/** Every minute from `from`'s to `to`'s, both included. */
export function minutesBetween(from: Date, to: Date): string[] {
  const out: string[] = [];
  const first = Math.floor(from.getTime() / 60_000) * 60_000;
  for (let t = first; t <= to.getTime(); t += 60_000) out.push(minuteOf(new Date(t)));
  return out;
}
