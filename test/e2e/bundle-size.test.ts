/**
 * The form page and the session page (what a phone opens from the QR code in a training hall, on
 * one shared Wi-Fi) must stay light: each under 100 KB of JavaScript, gzipped, counting everything
 * the page loads (its entry and every chunk it imports). The QR code library is loaded lazily (the
 * console's poster, the receipt), never on a page's first load. Every Lambda function's bundle, the AWS SDK bundled in, stays within the issue's budget of 500 KB minified
 * (bundleLimitBytes), and a function that touches the table carries its own DynamoDB client.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild, webDist } from '../../local/pages';
import { bundleLimitBytes, buildLambdaBundles, type LambdaBundle } from '../../scripts/lambda-bundles';
import { routes } from '../../shared/routes';
import { streamWorker } from '../../shared/workers';

/**
 * The entry scripts of a built page and, transitively, every chunk they import statically or
 * (unless `firstLoad`) dynamically. `firstLoad`: what the page loads before anything happens.
 */
const scriptsOf = (page: string, { firstLoad = false } = {}): string[] => {
  const html = readFileSync(join(webDist, page), 'utf8');
  const queue = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  const seen = new Set<string>();
  while (queue.length) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(join(webDist, file), 'utf8');
    const imports = firstLoad ? /(?:from|import)\s*["'`]\.\/([^"'`]+\.js)["'`]/g : /(?:from|import)\s*\(?\s*["'`]\.\/([^"'`]+\.js)["'`]/g;
    for (const m of code.matchAll(imports)) queue.push(`assets/${m[1]}`);
  }
  return [...seen];
};

const measure = (page: string) => {
  const files = scriptsOf(page);
  let raw = 0;
  let gzip = 0;
  for (const file of files) {
    const bytes = readFileSync(join(webDist, file));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files, raw, gzip };
};

beforeAll(async () => {
  await ensureWebBuild({ log: () => undefined });
}, 120_000);

describe('page weight', () => {
  it('the form and session pages each load under 100 KB of JavaScript, gzipped', () => {
    const form = measure('index.html');
    const session = measure('session.html');
    const track = measure('track.html');
    const console_ = measure('console.html');
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    // Reported in the test output (and quoted in the issue note).
    process.stdout.write(
      `JavaScript per page (raw / gzipped): form ${kb(form.raw)} / ${kb(form.gzip)}, session ${kb(session.raw)} / ${kb(session.gzip)}, ` +
        `track ${kb(track.raw)} / ${kb(track.gzip)}, console ${kb(console_.raw)} / ${kb(console_.gzip)}\n`,
    );
    expect(form.files.length).toBeGreaterThan(0);
    expect(form.gzip).toBeLessThan(100 * 1024);
    expect(session.files.length).toBeGreaterThan(0);
    expect(session.gzip).toBeLessThan(100 * 1024);
    // The QR code library (found by one of its error messages) is loaded lazily: by the console's
    // poster, and by the form's and session page's receipt once there is one, never on first load.
    const qrChunks = (files: string[]) => files.filter((file) => readFileSync(join(webDist, file), 'utf8').includes('too big to be stored in a QR Code'));
    expect(qrChunks(scriptsOf('index.html', { firstLoad: true }))).toEqual([]);
    expect(qrChunks(scriptsOf('session.html', { firstLoad: true }))).toEqual([]);
    expect(qrChunks(form.files).length).toBeGreaterThan(0);
    const consoleQr = qrChunks(console_.files);
    expect(consoleQr.length).toBeGreaterThan(0);
    expect(consoleQr).not.toContain(console_.files[0]);
  });

  it('no built page carries an inline script or style (the CSP forbids them)', () => {
    for (const page of ['index.html', 'track.html', 'answers.html', 'session.html', 'console.html', '404.html']) {
      const html = readFileSync(join(webDist, page), 'utf8');
      expect(html, page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html, page).not.toMatch(/<style\b|\sstyle="/);
      expect(html, page).not.toMatch(/\son[a-z]+="/);
    }
  });
});

describe('Lambda bundles (scripts/lambda-bundles.ts: the deployed esbuild options, nothing external)', () => {
  let bundles: LambdaBundle[];
  beforeAll(async () => {
    // Throws on esbuild's dynamic-require stub: a CommonJS piece that would fail in an ESM bundle.
    bundles = await buildLambdaBundles();
  }, 120_000);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

  it('are each at most 500 KB minified, all their files together, the attachment functions (the S3 client) included', () => {
    expect(bundleLimitBytes).toBe(500 * 1024);
    const bucketUsers = [...new Set(routes.filter((r) => r.bucket?.length).map((r) => r.handler))];
    const spreadsheets = ['export-items-xlsx', 'export-rectifications-xlsx'];
    // Only the functions that touch the attachments bucket carry the S3 client.
    for (const bundle of bundles) expect(bundle.inputs.has('@aws-sdk/client-s3'), bundle.handler).toBe(bucketUsers.includes(bundle.handler));
    process.stdout.write(`Lambda bundles (minified): ${bundles.map((b) => `${b.handler} ${kb(b.bytes)}${b.files > 1 ? ` (module ${kb(b.entryBytes)})` : ''}`).join(', ')}\n`);
    for (const bundle of bundles) expect(bundle.bytes, bundle.handler).toBeLessThanOrEqual(bundleLimitBytes);
    // Only the spreadsheet exports carry the zip library (yazl); none carries exceljs or fflate
    // (the tests' readers) or archiver's file-system stack (shared/services/xlsx-parts.ts says why).
    for (const bundle of bundles) {
      expect(bundle.inputs.has('yazl'), bundle.handler).toBe(spreadsheets.includes(bundle.handler));
      for (const heavy of ['exceljs', 'archiver', 'saxes', 'fflate']) expect(bundle.inputs.has(heavy), `${bundle.handler} carries ${heavy}`).toBe(false);
    }
  });

  it('carry @aws-sdk/client-dynamodb wherever they touch the table, and notify carries the SES client', () => {
    const touchingData = bundles.filter((b) => b.inputs.has('shared/data/db.ts'));
    // Every function but the OpenAPI document's and the 405's reads or writes the table.
    expect(bundles.length - touchingData.length).toBeLessThanOrEqual(2);
    for (const bundle of touchingData) {
      expect(bundle.inputs.has('@aws-sdk/client-dynamodb'), bundle.handler).toBe(true);
      expect(bundle.inputs.has('@aws-sdk/lib-dynamodb'), bundle.handler).toBe(true);
    }
    expect(bundles.find((b) => b.handler === streamWorker.handler)!.inputs.has('@aws-sdk/client-sesv2')).toBe(true);
  });

  it('take the role credentials from the environment alone: no bundle carries the rest of the default chain (infra/bundling.ts credentialAlias)', () => {
    const withClients = bundles.filter((b) => b.inputs.has('@aws-sdk/core'));
    expect(withClients.length).toBeGreaterThan(40);
    for (const bundle of withClients) {
      expect(bundle.inputs.has('@aws-sdk/credential-provider-env'), bundle.handler).toBe(true);
      for (const chain of ['@aws-sdk/credential-provider-node', '@aws-sdk/nested-clients', '@aws-sdk/credential-provider-sso', '@aws-sdk/credential-provider-ini']) {
        expect(bundle.inputs.has(chain), `${bundle.handler} carries ${chain}`).toBe(false);
      }
    }
  });
});
