// @ts-check

/** A failed call, with the tRPC error code (`BAD_REQUEST`, `FORBIDDEN`, …) or NETWORK. */
export class ApiError extends Error {
  /** @param {string} message @param {string} code @param {number} status */
  constructor(message, code, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/**
 * A tRPC query over plain HTTP, as any client without the tRPC library makes it.
 * @param {string} path @param {Record<string, unknown>} input @param {string} key
 * @returns {Promise<any>}
 */
export async function query(path, input, key) {
  const url = `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
  let res;
  try {
    res = await fetch(url, { headers: { authorization: `Bearer ${key}` }, cache: 'no-store' });
  } catch {
    throw new ApiError('The server could not be reached. Check the connection and try again.', 'NETWORK', 0);
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`The server answered with HTTP ${res.status} and no readable body.`, 'BAD_RESPONSE', res.status);
  }
  if (body?.error) throw new ApiError(String(body.error.message ?? 'Request failed'), String(body.error.data?.code ?? 'ERROR'), res.status);
  return body.result.data;
}

/** @param {unknown} err */
export function isUpgradeNeeded(err) {
  return err instanceof ApiError && err.code === 'FORBIDDEN' && /Enterprise plan/.test(err.message);
}
