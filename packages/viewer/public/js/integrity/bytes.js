// @ts-check

/** @param {string} hex lowercase or uppercase, even length @returns {Uint8Array} */
export function fromHex(hex) {
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`not hex: ${hex.slice(0, 20)}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** @param {Uint8Array} bytes @returns {string} lowercase hex */
export function toHex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** @param {string} b64 standard base64 (padding optional) @returns {Uint8Array} */
export function fromBase64(b64) {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** @param {...Uint8Array} parts @returns {Uint8Array} */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** @param {SubtleCrypto} subtle @param {Uint8Array} data @returns {Promise<Uint8Array>} */
export async function sha256(subtle, data) {
  return new Uint8Array(await subtle.digest('SHA-256', /** @type {BufferSource} */ (data)));
}

/** @param {string} text @returns {Uint8Array} its UTF-8 bytes */
export function utf8(text) {
  return new TextEncoder().encode(text);
}
