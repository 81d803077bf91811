/**
 * The web pages for the local stack: serves the Vite build (web/dist) with the same strict
 * Content-Security-Policy and security headers the deployed site sends, and builds it first when it
 * is missing or older than its sources, so `npm start` right after `npm install` just works.
 *
 *   /          -> index.html   (the submission form)
 *   /track     -> track.html   (the tracking page)
 *   /answers   -> answers.html (the published answers)
 *   /s/<code>  -> session.html (a training session's page; its join key is in the fragment)
 *   /console   -> console.html (the staff console)
 *   /assets/*  -> hashed files, cached for a year
 *   otherwise  -> 404.html with status 404
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { sessionPageFile, sessionPagePattern } from '../shared/page-paths';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** Where `vite build` writes the pages (see vite.config.ts). */
export const webDist = join(repoRoot, 'web', 'dist');

/**
 * As deployed (infra/site-headers.ts): `objectStore` is the origin of the attachments' storage,
 * where the pages post uploads and show files from (signed URLs); `blob:` images are the photos
 * the form shrank, shown before they are sent.
 */
export const contentSecurityPolicy = (objectStore?: string) =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    ['img-src', "'self'", 'data:', 'blob:', ...(objectStore ? [objectStore] : [])].join(' '),
    ['connect-src', "'self'", ...(objectStore ? [objectStore] : [])].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');

const securityHeadersWith = (objectStore?: string): Readonly<Record<string, string>> => ({
  'content-security-policy': contentSecurityPolicy(objectStore),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The tracking page's URL fragment carries the access key: never leak a URL to another site.
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
});

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const compressible = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.txt', '.map']);

const pages: Readonly<Record<string, string>> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/track': 'track.html',
  '/track/': 'track.html',
  '/answers': 'answers.html',
  '/answers/': 'answers.html',
  '/console': 'console.html',
  '/console/': 'console.html',
};

interface Cached {
  readonly mtimeMs: number;
  readonly body: Buffer;
  readonly gzip?: Buffer;
}

export interface PageServerOptions {
  /** The built site, normally `webDist`. */
  readonly root: string;
  /** The object store's origin, once it runs (the local stack starts it after the gateway). */
  readonly objectStore?: () => string | undefined;
}

/**
 * A request handler for everything outside /api/: the gateway's `fallback`. Files are read from
 * `root` on each request (cached by mtime), so a rebuild shows up without a restart.
 */
export const createPageServer = (options: PageServerOptions) => {
  const root = resolve(options.root);
  const cache = new Map<string, Cached>();
  let headersFor: { origin: string | undefined; headers: Readonly<Record<string, string>> } | undefined;
  const securityHeaders = () => {
    const origin = options.objectStore?.();
    if (headersFor?.origin !== origin || !headersFor) headersFor = { origin, headers: securityHeadersWith(origin) };
    return headersFor.headers;
  };

  const load = async (file: string): Promise<Cached | null> => {
    let info;
    try {
      info = await stat(file);
    } catch {
      return null;
    }
    if (!info.isFile()) return null;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === info.mtimeMs) return hit;
    const body = await readFile(file);
    const entry: Cached = {
      mtimeMs: info.mtimeMs,
      body,
      gzip: compressible.has(extname(file)) && body.length > 1024 ? gzipSync(body, { level: 9 }) : undefined,
    };
    cache.set(file, entry);
    return entry;
  };

  const send = (req: IncomingMessage, res: ServerResponse, status: number, file: string, entry: Cached, cacheControl: string) => {
    const gzip = entry.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? entry.gzip! : entry.body;
    res.writeHead(status, {
      ...securityHeaders(),
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'cache-control': cacheControl,
      'content-length': String(body.length),
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const notFound = async (req: IncomingMessage, res: ServerResponse) => {
    const file = join(root, '404.html');
    const entry = await load(file);
    if (entry) return send(req, res, 404, file, entry, 'no-cache');
    res.writeHead(404, { ...securityHeaders(), 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : 'Not found. The web pages are not built: run `npx vite build`.\n');
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...securityHeaders(), allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('Method not allowed.\n');
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      return notFound(req, res);
    }
    const page = pages[pathname] ?? (sessionPagePattern.test(pathname) ? sessionPageFile : undefined);
    if (page) {
      const file = join(root, page);
      const entry = await load(file);
      // HTML names the hashed assets of the current build: always revalidate.
      return entry ? send(req, res, 200, file, entry, 'no-cache') : notFound(req, res);
    }
    // Only real files inside root; no dotfiles, no directory listings, no HTML under other names.
    if (pathname.includes('\0') || pathname.split('/').some((part) => part.startsWith('.')) || extname(pathname) === '.html') {
      return notFound(req, res);
    }
    const file = resolve(root, `.${pathname}`);
    if (!file.startsWith(root + sep)) return notFound(req, res);
    const entry = await load(file);
    if (!entry) return notFound(req, res);
    const hashed = pathname.startsWith('/assets/');
    return send(req, res, 200, file, entry, hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=300');
  };
};

/** Newest modification time of any file under `dir` (skipping build output and dependencies). */
const newestMtime = (dir: string): number => {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.isFile()) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
};

const stampFile = join(webDist, '.built');

/** The sources the pages are built from: web/, the shared schemas (and the pure domain code they import), the Vite config. */
const sourcesNewestMtime = (): number =>
  Math.max(
    newestMtime(join(repoRoot, 'web')),
    newestMtime(join(repoRoot, 'shared', 'schemas')),
    newestMtime(join(repoRoot, 'shared', 'domain')),
    statSync(join(repoRoot, 'vite.config.ts')).mtimeMs,
    existsSync(join(repoRoot, 'package-lock.json')) ? statSync(join(repoRoot, 'package-lock.json')).mtimeMs : 0,
  );

export const webBuildIsFresh = (): boolean => existsSync(stampFile) && statSync(stampFile).mtimeMs >= sourcesNewestMtime();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A build lock older than this is taken for one a killed build left. */
const staleBuildLockMs = 60_000;

/**
 * Builds web/dist with Vite's `build()` when it is missing or older than its sources. Several
 * processes (parallel test files) may call it at once: a lock directory makes one build while the
 * others wait, then find the build fresh.
 */
export const ensureWebBuild = async (options: { log?: (line: string) => void; force?: boolean } = {}): Promise<void> => {
  if (!options.force && webBuildIsFresh()) return;
  const lock = join(repoRoot, 'web', '.build-lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a killed build is stale after `staleBuildLockMs`.
      try {
        if (Date.now() - statSync(lock).mtimeMs > staleBuildLockMs) rmSync(lock, { recursive: true, force: true });
      } catch {
        // it went away meanwhile
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for another web build');
      await sleep(200);
    }
  }
  try {
    if (!options.force && webBuildIsFresh()) return;
    const started = Date.now();
    (options.log ?? ((line: string) => console.log(line)))('building the web pages (vite build)…');
    const { build } = await import('vite');
    await build({ configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'warn' });
    writeFileSync(stampFile, `${new Date().toISOString()}\n`);
    (options.log ?? ((line: string) => console.log(line)))(`web pages built in ${Date.now() - started} ms`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
};
