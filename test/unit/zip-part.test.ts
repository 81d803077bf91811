import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DeflatedZipPart } from '../../shared/services/zip-part';

/** A part's pushes as fflate's Zip takes them: the deflated chunks, and whether each was the last. */
const collect = (part: DeflatedZipPart) => {
  const chunks: { chunk: Uint8Array; final: boolean }[] = [];
  part.ondata = (error, chunk, final) => {
    if (error) throw error;
    chunks.push({ chunk, final });
  };
  return chunks;
};

describe('a zip part deflated by zlib push by push (shared/services/zip-part.ts)', () => {
  it('makes one deflate stream of many small pushes, with the size and CRC-32 of all of them', () => {
    const part = new DeflatedZipPart('xl/worksheets/sheet1.xml');
    const chunks = collect(part);
    const pushes = Array.from({ length: 300 }, (_, i) => Buffer.from(`<row r="${i + 2}"><c t="inlineStr"><is><t>第 ${i} 行：意见与建议</t></is></c></row>`));
    pushes.forEach((data, i) => part.push(data, false));
    part.push(Buffer.alloc(0), true);
    const whole = Buffer.concat(pushes);
    const deflated = Buffer.concat(chunks.map((c) => c.chunk));
    expect(chunks.map((c) => c.final)).toEqual([...pushes.map(() => false), true]);
    expect(inflateRawSync(deflated).equals(whole)).toBe(true);
    expect({ size: part.size, crc: part.crc }).toEqual({ size: whole.length, crc: crc32(whole) });
    // Each push reaches back into the ones before it (the preset dictionary): rows deflated apart
    // would barely shrink.
    const apart = pushes.reduce((bytes, data) => bytes + deflateRawSync(data).length, 0);
    expect(deflated.length).toBeLessThan(apart / 2);
  });

  it('takes a push larger than the window, and a single final push', () => {
    const large = Buffer.from('x'.repeat(100_000) + 'y'.repeat(50_000));
    const part = new DeflatedZipPart('a.xml');
    const chunks = collect(part);
    part.push(large, false);
    part.push(Buffer.from('tail'), true);
    expect(inflateRawSync(Buffer.concat(chunks.map((c) => c.chunk))).toString()).toBe(`${large}tail`);
    const single = new DeflatedZipPart('b.xml');
    const only = collect(single);
    single.push(Buffer.from('<x/>'), true);
    expect(inflateRawSync(only[0].chunk).toString()).toBe('<x/>');
    expect(() => new DeflatedZipPart('c.xml').push(Buffer.from('x'), true)).toThrow(/before it was added/);
  });
});
