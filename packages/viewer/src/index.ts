import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

/** The page's static files: plain HTML, CSS and ES modules, served as they are (no build step). */
export const VIEWER_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'public');

// The page holds an API key: no third-party script or style, no framing, no referrer.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/**
 * The ES module file of the `canonicalize` package (RFC 8785), as npm installed it: the page
 * verifies event hashes and checkpoint signatures with the very library the service hashes with.
 * Looked up where this package resolves its dependencies, then where `@audit/shared` does (npm
 * may leave it nested there). Its package exports only an `import` entry, which `require.resolve`
 * cannot name, so the entry is read from its package.json.
 */
export function canonicalizeFile(): string {
  const require = createRequire(import.meta.url);
  const from = [fileURLToPath(import.meta.url)];
  try {
    from.push(require.resolve('@audit/shared'));
  } catch {
    // Not installed beside the viewer: its own dependencies are all there is.
  }
  for (const file of from) {
    for (const dir of createRequire(file).resolve.paths('canonicalize') ?? []) {
      const pkgDir = join(dir, 'canonicalize');
      if (!existsSync(join(pkgDir, 'package.json'))) continue;
      const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
        exports?: { '.'?: { import?: string } };
        module?: string;
        main?: string;
      };
      const entry = join(pkgDir, pkg.exports?.['.']?.import ?? pkg.module ?? pkg.main ?? 'index.js');
      if (existsSync(entry)) return entry;
    }
  }
  throw new Error('the canonicalize package is not installed (npm install)');
}

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
  let canonicalize: string | undefined;
  r.get('/vendor/canonicalize.js', (_req, res, next) => {
    try {
      canonicalize ??= canonicalizeFile();
    } catch (err) {
      return next(err);
    }
    res.sendFile(canonicalize, {
      headers: { 'content-type': 'text/javascript; charset=utf-8' },
      maxAge: 0,
      etag: true,
    });
  });
  r.use(
    express.static(VIEWER_DIR, { index: 'index.html', extensions: ['html'], maxAge: 0, etag: true, fallthrough: true }),
  );
  return r;
}
