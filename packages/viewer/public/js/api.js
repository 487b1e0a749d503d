// @ts-check

/** A failed call, with the tRPC error code (`BAD_REQUEST`, `FORBIDDEN`, …) or NETWORK. */
export class ApiError extends Error {
  /** @param {string} message @param {string} code @param {number} status @param {{ path: string, message: string }[]} [issues] */
  constructor(message, code, status, issues = []) {
    super(message);
    this.code = code;
    this.status = status;
    /** Each field at fault, as the server names it (`headers.X-Key`, `url`). */
    this.issues = issues;
  }
}

/**
 * A tRPC query over plain HTTP, as any client without the tRPC library makes it.
 * @param {string} path @param {Record<string, unknown>} input @param {string} key
 * @returns {Promise<any>}
 */
export async function query(path, input, key) {
  return call(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
    headers: { authorization: `Bearer ${key}` },
    cache: 'no-store',
  });
}

/**
 * A tRPC mutation: a POST with the input as the JSON body.
 * @param {string} path @param {Record<string, unknown>} input @param {string} key
 * @returns {Promise<any>}
 */
export async function mutate(path, input, key) {
  return call(`/trpc/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
    cache: 'no-store',
  });
}

/** @param {string} url @param {RequestInit} init */
async function call(url, init) {
  let res;
  try {
    res = await fetch(url, init);
  } catch {
    throw new ApiError('The server could not be reached. Check the connection and try again.', 'NETWORK', 0);
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`The server answered with HTTP ${res.status} and no readable body.`, 'BAD_RESPONSE', res.status);
  }
  if (body?.error) {
    const message = String(body.error.message ?? 'Request failed');
    const code = String(body.error.data?.code ?? 'ERROR');
    const listed = Array.isArray(body.error.data?.issues) ? body.error.data.issues : null;
    throw new ApiError(message, code, res.status, code === 'BAD_REQUEST' ? (listed ?? parseIssues(message)) : []);
  }
  return body.result.data;
}

/**
 * Errors the services raise themselves read `field: message` without a structured list
 * (`url: must use https …`); schema errors come listed. Both end up as the same issues.
 * @param {string} message @returns {{ path: string, message: string }[]}
 */
export function parseIssues(message) {
  return message.split('; ').map((part) => {
    const m = /^([A-Za-z][\w.-]*): (.*)$/s.exec(part);
    return m ? { path: m[1] ?? '', message: m[2] ?? '' } : { path: '', message: part };
  });
}

/** A key without the scope a page needs. @param {unknown} err */
export function isMissingScope(err) {
  return err instanceof ApiError && err.code === 'FORBIDDEN' && /lacks the "/.test(err.message);
}

/** @param {unknown} err */
export function isUpgradeNeeded(err) {
  return err instanceof ApiError && err.code === 'FORBIDDEN' && /Enterprise plan/.test(err.message);
}
