/**
 * infra/sdk-schema-keys.ts: the SDK's schema modules with their computed keys spelled as the
 * strings they name. The same schemas (every export, evaluated, compared shape by shape), and a
 * bundle that uses one S3 operation no longer carries the others'.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { literalSchemaKeys, schemaModule, sdkSchemaKeys } from '../../infra/sdk-schema-keys';
import { bundleSource } from '../support/bundle-source';

const dir = mkdtempSync(join(tmpdir(), 'yijian-schema-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const require_ = createRequire(import.meta.url);
const s3Schemas = join(require_.resolve('@aws-sdk/client-s3/package.json'), '..', 'dist-es', 'schemas', 'schemas_0.js');

/** An ESM bundle of `source`, with or without the plugin. */
const bundle = (source: string, withPlugin: boolean, minify = true): Promise<string> => bundleSource(source, withPlugin ? [sdkSchemaKeys] : [], minify);

/** A schema value with its lazy references (`() => Shape$`) replaced by the name of what they return. */
const comparable = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (typeof v === 'function' ? ['ref', ((v as () => unknown)() as unknown[])?.[2] ?? String(v)] : v));

describe('literalSchemaKeys', () => {
  it('spells a computed key that names a string constant of the module as that string, and leaves others alone', () => {
    const source = ['const _hH = "httpHeader";', 'const _x = "x-amz-\\"quoted\\"";', 'var A$ = [0, { [_hH]: _x, [_other]: 1, [_x]: 2 }];'].join('\n');
    expect(literalSchemaKeys(source)).toBe(['const _hH = "httpHeader";', 'const _x = "x-amz-\\"quoted\\"";', 'var A$ = [0, { "httpHeader": _x, [_other]: 1, "x-amz-\\"quoted\\"": 2 }];'].join('\n'));
  });

  it('matches the schema modules of the SDK clients and nothing else', () => {
    expect(schemaModule.test(s3Schemas)).toBe(true);
    expect(schemaModule.test('/x/node_modules/@aws-sdk/client-dynamodb/dist-es/schemas/schemas_0.js')).toBe(true);
    expect(schemaModule.test('/x/node_modules/@aws-sdk/client-s3/dist-es/commands/GetObjectCommand.js')).toBe(false);
    expect(schemaModule.test('/x/node_modules/@aws-sdk/core/dist-es/schemas/schemas_0.js')).toBe(false);
  });

  it("leaves S3's schemas the same: every export evaluates to the same shapes", async () => {
    const entry = `export * from ${JSON.stringify(s3Schemas)};`;
    const load = async (withPlugin: boolean) => {
      const file = join(dir, `schemas-${withPlugin}.mjs`);
      writeFileSync(file, await bundle(entry, withPlugin, false));
      return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    };
    const [original, literal] = await Promise.all([load(false), load(true)]);
    const names = Object.keys(original).filter((name) => name.endsWith('$'));
    expect(names.length).toBeGreaterThan(400);
    expect(Object.keys(literal).sort()).toEqual(Object.keys(original).sort());
    for (const name of names) expect(comparable(literal[name]), name).toBe(comparable(original[name]));
  }, 30_000);
});

describe('a bundle with the plugin', () => {
  it('carries the shapes of the S3 operations it uses, not every operation of S3', async () => {
    const entry = "import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3'; export const get = (Bucket, Key) => new S3Client({}).send(new GetObjectCommand({ Bucket, Key }));";
    const [plain, shaken] = await Promise.all([bundle(entry, false), bundle(entry, true)]);
    // GetObject's own shapes stay; a bucket inventory's go (and were there without the plugin).
    for (const code of [plain, shaken]) expect(code).toContain('ResponseContentDisposition');
    expect(plain).toContain('InventoryConfiguration');
    expect(shaken).not.toContain('InventoryConfiguration');
    expect(shaken.length).toBeLessThan(plain.length - 40 * 1024);
  }, 30_000);
});
