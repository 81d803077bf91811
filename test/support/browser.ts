/**
 * Browser tests' support: the local stack with the built pages, headless Chromium (Debian's
 * `chromium` package driven by playwright-core; nothing is downloaded), axe-core in the page, and
 * screenshots under test-results/ (git-ignored).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { createPageServer, ensureWebBuild, webDist } from '../../local/pages';
import type { LocalStack } from '../../local/stack';
import { startTestStack } from './stack';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const launchBrowser = (): Promise<Browser> => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`no Chromium at ${chromiumPath}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
};

/** The phone of the acceptance scenario. */
export const phone = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } as const;
export const desktop = { viewport: { width: 1280, height: 900 } } as const;

export interface WebStack {
  /** Where the pages and the API are, on one origin. */
  readonly url: string;
  readonly stack: LocalStack;
  stop(): Promise<void>;
}

/** Does the stack already serve the built pages (local/stack.ts wired to local/pages.ts)? */
const servesPages = async (url: string): Promise<boolean> => {
  try {
    const response = await fetch(`${url}/`);
    const html = await response.text();
    return /src="\/assets\/[^"]+\.js"/.test(html) && (response.headers.get('content-security-policy') ?? '').includes("script-src 'self'");
  } catch {
    return false;
  }
};

/**
 * The test stack (its own table in the run's DynamoDB Local) with the pages on the same origin.
 * Until the local stack serves the pages itself, a small front server does: /api/* goes to the
 * stack, everything else to createPageServer.
 */
export const startWebStack = async (): Promise<WebStack> => {
  await ensureWebBuild({ log: () => undefined });
  const stack = await startTestStack();
  if (await servesPages(stack.url)) return { url: stack.url, stack, stop: () => stack.stop() };
  const api = new URL(stack.url);
  const pages = createPageServer({ root: webDist });
  const server: Server = createServer((req, res) => {
    if (!(req.url ?? '/').startsWith('/api/')) {
      void pages(req, res);
      return;
    }
    const upstream = httpRequest(
      { host: api.hostname, port: api.port, method: req.method, path: req.url, headers: req.headers },
      (response) => {
        res.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stack,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await stack.stop();
    },
  };
};

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const artifactsDir = join(repoRoot, 'test-results', 'e2e');

export const screenshot = async (page: Page, name: string): Promise<string> => {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
};

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string }[];
}

/**
 * Runs axe-core in the page (WCAG 2.x A/AA and best practices). The source is evaluated through
 * the DevTools protocol, which the page's CSP does not govern, so the page keeps its real CSP.
 */
export const runAxe = async (page: Page): Promise<AxeViolation[]> => {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!loaded) await page.evaluate(axeSource);
  const result = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, options: unknown) => Promise<{ violations: unknown[] }> } }).axe;
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations;
  })) as { id: string; impact: string | null; help: string; nodes: { target: string[]; html: string }[] }[];
  return result.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })) }));
};

/** Serious and critical violations, as readable lines for an assertion message. */
export const seriousViolations = (violations: AxeViolation[]): string[] =>
  violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);

/** Collects console errors and CSP violations the page reports (a CSP break shows up here). */
export const watchPage = (page: Page): { errors: string[] } => {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
      errors.push(message.text());
    }
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return { errors };
};

export const newContext = (browser: Browser, options: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> =>
  browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });

/** expect.poll with room for a loaded 2-core machine (vitest's default gives up after 1 s). */
export const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });

/** JSON over HTTP to a web stack: `{ status, body }` (body undefined when not JSON). */
export const jsonClient =
  (web: () => WebStack) =>
  async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${web().url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
  };

/** Signs a page in to the console as one of the local demo users (`demo-office`, `demo-g1`, …). */
export const signInAs = async (page: Page, web: WebStack, user: string): Promise<void> => {
  await page.goto(`${web.url}/console`);
  await page.locator(`button[data-user="${user}"]`).click();
  await page.locator('nav.nav').waitFor();
};

/** Pages in contexts of their own, each watched for script errors; `closeAll` in afterAll. */
export const pageOpener = (browser: () => Browser) => {
  const contexts: BrowserContext[] = [];
  const errors: string[][] = [];
  return {
    errors,
    open: async (options: Parameters<Browser['newContext']>[0]): Promise<Page> => {
      const context = await newContext(browser(), options);
      contexts.push(context);
      const page = await context.newPage();
      errors.push(watchPage(page).errors);
      return page;
    },
    closeAll: async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
    },
  };
};

/**
 * One web stack and one browser for a test file, started in beforeAll and stopped in afterAll,
 * with a page opener and a JSON client on it.
 */
export const useWebStackAndBrowser = () => {
  const state: { web?: WebStack; browser?: Browser } = {};
  const pages = pageOpener(() => state.browser!);
  beforeAll(async () => {
    [state.web, state.browser] = await Promise.all([startWebStack(), launchBrowser()]);
  }, 120_000);
  afterAll(async () => {
    await pages.closeAll();
    await state.browser?.close();
    await state.web?.stop();
  });
  return { web: () => state.web!, pages, json: jsonClient(() => state.web!) };
};
