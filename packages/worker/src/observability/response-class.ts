/** A delivery attempt's answer, as a label: the status's class, or `network` when none came. */
export type ResponseClassLabel = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'network' | 'other';

/**
 * Classes, not codes: a receiver picks its status codes, and each distinct code would be a new
 * time series. `network` covers refused, DNS, connection and timeout failures alike.
 */
export function responseClass(status: number | null): ResponseClassLabel {
  if (status === null) return 'network';
  if (!Number.isInteger(status) || status < 100 || status > 599) return 'other';
  return `${Math.floor(status / 100)}xx` as ResponseClassLabel;
}
