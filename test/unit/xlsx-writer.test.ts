import ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { cellValue, xlsxStream, type XlsxColumn } from '../../shared/services/xlsx-writer';

/**
 * The spreadsheet writer of the office's exports (shared/services/xlsx-writer.ts): what it writes
 * is read back with exceljs's own reader, as a person's Excel would open it.
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
    await expect(buffer(stream)).rejects.toThrow('page read failed');
  });

  it('maps values to cells: empty as empty, bad instants as empty, long text cut to Excel\'s limit', () => {
    expect(cellValue('text', '', 'Asia/Shanghai')).toBeNull();
    expect(cellValue('dateTime', 'not a time', 'Asia/Shanghai')).toBeNull();
    expect(cellValue('dateTime', '2026-06-30T16:00:00.000Z', 'UTC')).toEqual(new Date('2026-06-30T16:00:00.000Z'));
    expect(cellValue('dateTime', '2026-06-30T16:00:00.000Z', 'Asia/Shanghai')).toEqual(new Date('2026-07-01T00:00:00.000Z'));
    expect(String(cellValue('longText', 'x'.repeat(40_000), 'UTC'))).toHaveLength(32_767);
    expect(cellValue('number', 0, 'UTC')).toBe(0);
  });
});
