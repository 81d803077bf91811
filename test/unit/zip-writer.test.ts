import { unzipSync, Zip } from 'fflate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeflatedZipPart } from '../../shared/services/zip-part';
import { ZipWriter } from '../../shared/services/zip-writer';

/** The zip container of the spreadsheet exports (shared/services/zip-writer.ts), checked by fflate, which wrote it before. */

const parts: [name: string, pushes: string[]][] = [
  ['[Content_Types].xml', ['<Types/>']],
  ['xl/worksheets/sheet1.xml', ['<sheetData>', ...Array.from({ length: 200 }, (_, i) => `<row r="${i + 1}"><c t="inlineStr"><is><t>第 ${i} 行</t></is></c></row>`), '</sheetData>']],
  ['docs/说明.xml', ['<x/>']],
];

/** The bytes a zip writer hands out for `parts`, each part's pushes deflated by DeflatedZipPart. */
const written = (zip: { add(part: DeflatedZipPart): void; end(): void }, chunks: Uint8Array[]) => {
  for (const [name, pushes] of parts) {
    const part = new DeflatedZipPart(name);
    zip.add(part);
    pushes.forEach((text, i) => part.push(Buffer.from(text), i === pushes.length - 1));
  }
  zip.end();
  return Buffer.concat(chunks);
};

afterEach(() => {
  vi.useRealTimers();
});

describe('the zip writer (shared/services/zip-writer.ts)', () => {
  it('writes, byte for byte, what fflate\'s Zip wrote for the same parts', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2026, 11, 6, 10, 30, 14));
    const ours: Uint8Array[] = [];
    let ended = 0;
    const own = written(
      new ZipWriter((chunk, final) => {
        ours.push(chunk);
        if (final) ended++;
      }),
      ours,
    );
    const theirs: Uint8Array[] = [];
    const reference = written(
      new Zip((error, chunk) => {
        if (error) throw error;
        theirs.push(chunk);
      }),
      theirs,
    );
    expect(ended).toBe(1);
    expect(own.equals(reference)).toBe(true);
  });

  it('makes a zip another reader opens: every part whole, its CRC checked', () => {
    const chunks: Uint8Array[] = [];
    const files = unzipSync(written(new ZipWriter((chunk) => chunks.push(chunk)), chunks));
    expect(Object.keys(files)).toEqual(parts.map(([name]) => name));
    for (const [name, pushes] of parts) expect(Buffer.from(files[name]).toString()).toBe(pushes.join(''));
  });

  it('writes one part at a time, and ends only after the last part\'s final push', () => {
    const zip = new ZipWriter(() => undefined);
    const first = new DeflatedZipPart('a.xml');
    zip.add(first);
    expect(() => zip.add(new DeflatedZipPart('b.xml'))).toThrow(/while another/);
    expect(() => zip.end()).toThrow(/before part a.xml/);
    first.push(Buffer.from('<a/>'), true);
    zip.add(new DeflatedZipPart('b.xml'));
  });
});
