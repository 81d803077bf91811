import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { finished } from 'node:stream/promises';
import { crc32, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { columnName, worksheetPath } from '../../shared/services/xlsx-parts';
import { cellValue, xlsxStream, type XlsxColumn } from '../../shared/services/xlsx-writer';

/**
 * The spreadsheet writer of the office's exports (shared/services/xlsx-writer.ts): what it writes
 * is read back with exceljs's own reader, as a person's Excel would open it, and its zip (yazl's)
 * with fflate's reader and by hand (every part's CRC-32 checked).
 */

interface Row {
  code: string;
  at?: string;
  day?: string;
  text: string;
  n?: number;
}

const columns: XlsxColumn<Row>[] = [
  { header: '跟踪码', width: 16, value: (r) => r.code },
  { header: '提交时间', width: 18, format: 'dateTime', value: (r) => r.at },
  { header: '整改时限', width: 12, format: 'date', value: (r) => r.day },
  { header: '内容', width: 60, format: 'longText', value: (r) => r.text },
  { header: '评分', width: 6, format: 'number', value: (r) => r.n },
];

/** The signature of a zip's end of central directory record (APPNOTE 4.3.16). */
const endOfDirectory = Buffer.from([0x50, 0x4b, 0x05, 0x06]);

async function* pagesOf(...pages: Row[][]) {
  for (const page of pages) yield page;
}

const read = async (stream: Readable) => {
  const workbook = new ExcelJS.Workbook();
  // exceljs's types predate Buffer's generic parameter.
  await workbook.xlsx.load((await buffer(stream)) as unknown as ExcelJS.Buffer);
  return workbook;
};

describe('the spreadsheet writer', () => {
  it('writes a bold, frozen, filtered Chinese header row and one row per record, page after page', async () => {
    const workbook = await read(
      xlsxStream({
        sheetName: '事项',
        columns,
        timezone: 'Asia/Shanghai',
        pages: pagesOf(
          [{ code: 'YJ-1', at: '2026-12-04T22:50:00.000Z', day: '2026-12-31', text: '第一行\n第二行', n: 4 }],
          [],
          [{ code: 'YJ-2', text: '=SUM(A1:A2)' }, { code: 'YJ-3', at: '2026-12-05T01:00:00.000Z', day: '2026-12-05T17:00:00.000Z', text: 'bad \u0001 char 😀' }],
        ),
      }),
    );
    const sheet = workbook.getWorksheet('事项')!;
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getRow(1).values).toEqual([undefined, '跟踪码', '提交时间', '整改时限', '内容', '评分']);
    expect(sheet.getRow(1).font?.bold ?? sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    expect(sheet.getColumn(4).width).toBe(60);
    // 22:50 UTC on 4 December is 06:50 on 5 December in Beijing: the cell is that local time, a real date.
    const at = sheet.getCell('B2');
    expect(at.value).toBeInstanceOf(Date);
    expect((at.value as Date).toISOString()).toBe('2026-12-05T06:50:00.000Z');
    expect(at.numFmt).toBe('yyyy-mm-dd hh:mm');
    expect((sheet.getCell('C2').value as Date).toISOString()).toBe('2026-12-31T00:00:00.000Z');
    expect(sheet.getCell('C2').numFmt).toBe('yyyy-mm-dd');
    expect(sheet.getCell('D2').value).toBe('第一行\n第二行');
    expect(sheet.getCell('D2').alignment?.wrapText).toBe(true);
    expect(sheet.getCell('E2').value).toBe(4);
    // Text is text: a formula-like string is a string cell, never a formula.
    expect(sheet.getCell('D3').value).toBe('=SUM(A1:A2)');
    expect(sheet.getCell('D3').type).toBe(ExcelJS.ValueType.String);
    expect(sheet.getCell('B3').value).toBeNull();
    // An instant in a date column shows its local day (17:00Z is 01:00 the next day in Beijing).
    expect((sheet.getCell('C4').value as Date).toISOString()).toBe('2026-12-06T00:00:00.000Z');
    expect(sheet.getCell('D4').value).toBe('bad \uFFFD char 😀');
  });

  it('ends the stream with an error when reading the rows fails, instead of a file that looks whole', async () => {
    async function* failing() {
      yield [{ code: 'YJ-1', text: 'ok' }];
      throw new Error('page read failed');
    }
    const stream = xlsxStream({ sheetName: 's', columns, timezone: 'Asia/Shanghai', pages: failing() });
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    await expect(finished(stream)).rejects.toThrow('page read failed');
    // What did arrive has no end of central directory (APPNOTE 4.3.16): no reader takes it for a zip.
    expect(Buffer.concat(chunks).includes(endOfDirectory)).toBe(false);
  });

  it('reads the next page only as the client takes the bytes, and no further once it went away', async () => {
    const offered = 10_000;
    let read = 0;
    let stopped!: () => void;
    const closed = new Promise<void>((resolve) => (stopped = resolve));
    async function* pages() {
      try {
        // Random text barely deflates: each page is some 20 KB in the zip too.
        while (read < offered) {
          read++;
          yield Array.from({ length: 50 }, (_, i) => ({ code: `YJ-${i}`, text: randomBytes(300).toString('base64') }));
        }
      } finally {
        stopped();
      }
    }
    const stream = xlsxStream({ sheetName: 's', columns, timezone: 'Asia/Shanghai', pages: pages() });
    // The client takes some 200 KB (about ten pages), then hangs up (leaving the loop destroys the
    // stream). A writer that did not wait for the client would read every page on offer at once.
    let taken = 0;
    for await (const chunk of stream) {
      taken += (chunk as Buffer).length;
      if (taken > 200_000) break;
    }
    await closed;
    // The pages taken, and those that fill the pipes' buffers (some 16 KB each), nothing more.
    expect(read).toBeGreaterThan(5);
    expect(read).toBeLessThan(40);
  });

  it('maps values to cells: empty as empty, bad instants as empty, long text cut to Excel\'s limit', () => {
    expect(cellValue('text', '', 'Asia/Shanghai')).toBeNull();
    expect(cellValue('dateTime', 'not a time', 'Asia/Shanghai')).toBeNull();
    expect(cellValue('dateTime', '2026-06-30T16:00:00.000Z', 'UTC')).toEqual(new Date('2026-06-30T16:00:00.000Z'));
    expect(cellValue('dateTime', '2026-06-30T16:00:00.000Z', 'Asia/Shanghai')).toEqual(new Date('2026-07-01T00:00:00.000Z'));
    // The minute an instant falls in: a deadline at the end of a local day stays on that day.
    expect(cellValue('dateTime', '2026-12-11T15:59:59.999Z', 'Asia/Shanghai')).toEqual(new Date('2026-12-11T23:59:00.000Z'));
    expect(cellValue('dateTime', '2026-12-05T01:08:46.067Z', 'Asia/Shanghai')).toEqual(new Date('2026-12-05T09:08:00.000Z'));
    expect(String(cellValue('longText', 'x'.repeat(40_000), 'UTC'))).toHaveLength(32_767);
    // A cut through a surrogate pair drops its first half (alone it is a character XML cannot hold).
    expect(cellValue('text', `${'x'.repeat(32_766)}😀`, 'UTC')).toBe('x'.repeat(32_766));
    expect(cellValue('number', 0, 'UTC')).toBe(0);
  });

  it('names columns as Excel does, past Z', () => {
    expect([0, 25, 26, 27, 51, 52, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']);
  });

  it('zips the sheet deflated and the small package parts stored, each with the CRC and sizes of its content (exceljs\'s reader checks neither)', async () => {
    const rows = Array.from({ length: 2_000 }, (_, i) => ({ code: `YJ-${i}`, at: '2026-12-04T22:50:00.000Z', text: `第 ${i} 行 <&> "引号"` }));
    const file = await buffer(xlsxStream({ sheetName: '事项 & "台账"', columns, timezone: 'Asia/Shanghai', pages: pagesOf(rows.slice(0, 1_000), rows.slice(1_000)) }));
    // The central directory, found from its end record (ZIP's APPNOTE 4.3.16), lists every part.
    const end = file.lastIndexOf(endOfDirectory);
    const parts = new Map<string, Buffer>();
    for (let at = file.readUInt32LE(end + 16), n = file.readUInt16LE(end + 10); n > 0; n--) {
      expect(file.readUInt32LE(at)).toBe(0x02014b50);
      const [method, crc, packed, size] = [file.readUInt16LE(at + 10), file.readUInt32LE(at + 16), file.readUInt32LE(at + 20), file.readUInt32LE(at + 24)];
      const nameLength = file.readUInt16LE(at + 28);
      const name = file.subarray(at + 46, at + 46 + nameLength).toString('utf8');
      const local = file.readUInt32LE(at + 42);
      const start = local + 30 + file.readUInt16LE(local + 26) + file.readUInt16LE(local + 28);
      const content = method === 0 ? file.subarray(start, start + packed) : inflateRawSync(file.subarray(start, start + packed));
      expect({ name, method, crc: crc32(content), size: content.length }).toEqual({ name, method: name === worksheetPath ? 8 : 0, crc, size });
      parts.set(name, content);
      at += 46 + nameLength + file.readUInt16LE(at + 30) + file.readUInt16LE(at + 32);
    }
    // The content types first (some readers look for them there), the sheet last.
    expect([...parts.keys()]).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/worksheets/sheet1.xml']);
    const sheetXml = parts.get('xl/worksheets/sheet1.xml')!;
    expect(sheetXml.length).toBeGreaterThan(10 * file.length);
    expect(sheetXml.toString('utf8')).toMatch(/^<\?xml [^>]+\?>\n<worksheet [\s\S]*<\/sheetData><autoFilter ref="A1:E1"\/><pageMargins [^>]+\/><\/worksheet>$/);
    expect(sheetXml.toString('utf8').match(/<row r="/g)).toHaveLength(2_001);
    // Another reader (fflate's, which trusts the central directory's sizes) finds the same parts, byte for byte.
    const unzipped = unzipSync(file);
    expect(Object.keys(unzipped)).toEqual([...parts.keys()]);
    for (const [name, content] of parts) expect(Buffer.from(unzipped[name]).equals(content), name).toBe(true);
    const workbook = await read(Readable.from([file]));
    const sheet = workbook.getWorksheet('事项 & "台账"')!;
    expect(sheet.rowCount).toBe(2_001);
    expect(sheet.getCell('D2001').value).toBe('第 1999 行 <&> "引号"');
  });
});
