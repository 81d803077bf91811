/**
 * shared/native-crc32.ts, which the Lambda bundles take for buffer-crc32 (infra/bundling.ts
 * `crc32Alias`): the same numbers as buffer-crc32, and a bundle of yazl with the alias carries no
 * JavaScript CRC table yet writes the very same zip.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import type { Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32Alias } from '../../infra/bundling';
import nativeCrc32, { signed, unsigned } from '../../shared/native-crc32';
import { bundleSource } from '../support/bundle-source';

/** buffer-crc32 itself, as yazl (whose dependency it is, not ours) requires it. */
interface BufferCrc32 {
  (data: Buffer | string, previous?: Buffer): Buffer;
  unsigned(data: Buffer | string, previous?: number): number;
  signed(data: Buffer | string, previous?: number): number;
}
const yazlRequire = createRequire(createRequire(import.meta.url).resolve('yazl'));
const bufferCrc32 = yazlRequire('buffer-crc32') as BufferCrc32;

const dir = mkdtempSync(join(tmpdir(), 'yijian-crc32-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('shared/native-crc32.ts', () => {
  it("gives buffer-crc32's numbers: unsigned, signed and as 4 bytes, whole and continued piece by piece", () => {
    const inputs = [Buffer.alloc(0), Buffer.from('a'), Buffer.from('意见箱 yijian'), ...Array.from({ length: 20 }, (_, i) => randomBytes(1 + i * 397))];
    for (const input of inputs) {
      expect(unsigned(input)).toBe(bufferCrc32.unsigned(input));
      expect(signed(input)).toBe(bufferCrc32.signed(input));
      expect(nativeCrc32(input)).toEqual(bufferCrc32(input));
      // As yazl's stream watcher computes it: each chunk from the CRC of those before.
      const cut = Math.floor(input.length / 3);
      const pieces = [input.subarray(0, cut), input.subarray(cut, 2 * cut), input.subarray(2 * cut)];
      expect(pieces.reduce((crc, piece) => unsigned(piece, crc), 0)).toBe(bufferCrc32.unsigned(input));
      expect(nativeCrc32(pieces[1]!, nativeCrc32(pieces[0]!))).toEqual(bufferCrc32(pieces[1]!, bufferCrc32(pieces[0]!)));
    }
    expect(unsigned('意见箱')).toBe(bufferCrc32.unsigned('意见箱'));
  });
});

/** The alias as esbuild applies it (bundleSource takes plugins). */
const aliased: Plugin = {
  name: 'crc32-alias',
  setup(build) {
    build.onResolve({ filter: /^buffer-crc32$/ }, () => ({ path: crc32Alias['buffer-crc32']! }));
  },
};

/** A zip of two parts, one stored and one deflated from a stream, with a fixed time: its bytes. */
const zipping = [
  "import { PassThrough } from 'node:stream';",
  "import { ZipFile } from 'yazl';",
  'export const zip = () => new Promise((resolve) => {',
  '  const file = new ZipFile(); const chunks = [];',
  "  const mtime = new Date('2026-12-06T00:00:00Z');",
  "  file.addBuffer(Buffer.from('<xml>意见箱</xml>'), 'a.xml', { compress: false, mtime });",
  "  const part = new PassThrough(); file.addReadStream(part, 'b.xml', { mtime });",
  "  file.outputStream.on('data', (c) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));",
  "  file.end(); part.write('<row>1</row>'.repeat(500)); part.end('<row>2</row>');",
  '});',
].join('\n');

/** buffer-crc32's table, as a minified bundle writes its second entry (0x77073096). */
const jsTable = '1996959894';

describe('a bundle of yazl with the alias', () => {
  it('carries no JavaScript CRC table (it did without) and writes the very same zip', async () => {
    const [plain, native] = await Promise.all([bundleSource(zipping, []), bundleSource(zipping, [aliased])]);
    expect(plain).toContain(jsTable);
    expect(native).not.toContain(jsTable);
    const zipOf = async (name: string, code: string) => {
      const file = join(dir, name);
      writeFileSync(file, code);
      return ((await import(pathToFileURL(file).href)) as { zip: () => Promise<Buffer> }).zip();
    };
    const [expected, actual] = await Promise.all([zipOf('plain.mjs', plain), zipOf('native.mjs', native)]);
    expect(actual.length).toBeGreaterThan(100);
    expect(actual.equals(expected)).toBe(true);
  }, 30_000);
});
