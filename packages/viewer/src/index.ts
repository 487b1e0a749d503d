import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

/** The page's static files: plain HTML, CSS and ES modules, served as they are (no build step). */
export const VIEWER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');

// The page holds an API key: no third-party script or style, no framing, no referrer.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/**
 * Serves the viewer: the Audit Log at `/`, Webhooks at `/webhooks` (a page of its own, so a link
 * to one destination works). The pages reach the API over HTTP like any client.
 */
export function viewerRoutes(): Router {
  const r = express.Router();
  r.use((_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  r.use(express.static(VIEWER_DIR, { index: 'index.html', extensions: ['html'], maxAge: 0, etag: true, fallthrough: true }));
  return r;
}
