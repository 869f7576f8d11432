import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { placeholderPage } from './placeholder.js';

const here = dirname(fileURLToPath(import.meta.url));
// server/ under tsx, dist/server/ when compiled: the build is editor/dist at the repository's root either way.
const candidates = [join(here, '..', 'editor', 'dist'), join(here, '..', '..', 'editor', 'dist')];

/** Paths the single-page app never answers: the API, webhooks, sockets, operations and assets keep their own 404s. */
const SERVER_PATHS = /^\/+(api|webhooks|socket\.io|health|metrics|assets)(\/|$)/i;

/**
 * The editor's page allows `unsafe-eval` because its forms validate configs with ajv, which compiles
 * schemas to functions (the same validator the server uses). Everything else stays as helmet sets it,
 * minus `upgrade-insecure-requests`, which would send a plain-HTTP install's assets to https.
 */
const EDITOR_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "img-src 'self' data: blob:",
  "object-src 'none'",
  "script-src 'self' 'unsafe-eval'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
].join('; ');

export function editorDirectory(): string | null {
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? null;
}

/** Serves the built editor at `/` (client routes fall back to its page); the placeholder when it is not built. */
export function serveEditor(app: Express, dir = editorDirectory()): void {
  if (!dir) {
    app.get('/', (_req, res) => {
      res.type('html').send(placeholderPage);
    });
    return;
  }
  const page = readFileSync(join(dir, 'index.html'));
  // Hashed file names change with their content: cache them for a year.
  app.use('/assets', express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }));
  app.use(express.static(dir, { index: false, maxAge: '1h' }));
  app.get(/.*/, (req: Request, res: Response, next: NextFunction) => {
    // Client routes have no file extension; a missing script or image gets a 404, not the page. Past `/`,
    // only a browser navigating (it asks for HTML) gets the page: a script or API client gets the JSON 404.
    const navigating = req.path === '/' || (req.headers.accept ?? '').includes('text/html');
    if (SERVER_PATHS.test(req.path) || /\.[a-z0-9]+$/i.test(req.path) || !navigating) return next();
    res.setHeader('Content-Security-Policy', EDITOR_CSP);
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(page);
  });
}
