import { PassThrough, type Readable } from 'node:stream';
// The streaming writer alone: the package's main module loads the reader, CSV and the in-memory
// workbook too, twice the bundle (docs/api.md "Exports for people").
import WorkbookWriter from 'exceljs/lib/stream/xlsx/workbook-writer.js';
import { isIsoDate, wallClockAsUtc } from '../domain/calendar';

/**
 * Spreadsheets for people (the office's exports): one sheet, a Chinese header row in bold on grey,
 * frozen, with a filter; fixed column widths; dates as real Excel dates shown in the directory's
 * timezone; streamed with exceljs's WorkbookWriter, so a workbook of any size costs memory of a
 * page of rows, not of the file. Used by GET /api/exports/items.xlsx and the rectification ledger.
 */

export type XlsxValue = string | number | boolean | null | undefined;

/**
 * How a column's values are written:
 *   text      as is (the default)          longText  wrapped, top-aligned (bodies, replies)
 *   dateTime  an ISO instant, shown as 'yyyy-mm-dd hh:mm' local time
 *   date      an ISO instant (its local day) or a 'YYYY-MM-DD' day, shown as 'yyyy-mm-dd'
 *   number    a number
 */
export type XlsxFormat = 'text' | 'longText' | 'dateTime' | 'date' | 'number';

export interface XlsxColumn<R> {
  /** The header cell (Chinese: the sheet is for people). */
  readonly header: string;
  /** In characters of the default font; a Chinese character takes about two. */
  readonly width: number;
  readonly format?: XlsxFormat;
  readonly value: (row: R) => XlsxValue;
}

export interface XlsxSheet<R> {
  readonly sheetName: string;
  readonly columns: readonly XlsxColumn<R>[];
  /** The directory's timezone: date cells show the wall-clock time there. */
  readonly timezone: string;
  /** The rows, a page at a time (each page is written, then the next is read). */
  readonly pages: AsyncIterable<readonly R[]>;
}

/** Excel's limit for one cell's text. */
const maxCellChars = 32_767;
/** Characters XML 1.0 cannot hold (a file with one does not open); the API refuses them on input. */
const notXml = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const numberFormats: Partial<Record<XlsxFormat, string>> = { dateTime: 'yyyy-mm-dd hh:mm', date: 'yyyy-mm-dd', number: '0' };

/** A cell's value as exceljs writes it: dates as zone-less Excel dates holding the local wall clock. */
export const cellValue = (format: XlsxFormat, value: XlsxValue, timezone: string): string | number | boolean | Date | null => {
  if (value === undefined || value === null || value === '') return null;
  if (format === 'date' && typeof value === 'string' && isIsoDate(value)) return new Date(`${value}T00:00:00Z`);
  if (format === 'dateTime' || format === 'date') {
    const instant = Date.parse(String(value));
    if (Number.isNaN(instant)) return null;
    const local = wallClockAsUtc(instant, timezone);
    // A day shows as its local day: midnight, so that no time hides in the cell.
    return format === 'date' ? new Date(local.toISOString().slice(0, 10) + 'T00:00:00Z') : local;
  }
  if (typeof value === 'string') return value.replace(notXml, '\uFFFD').slice(0, maxCellChars);
  return value;
};

/**
 * The workbook as a stream of bytes. Rows are written page by page; before the next page is read
 * the writer waits until the client has taken what was written (the response's backpressure), so
 * memory stays a page or two deep whatever the number of rows. A failure while reading the pages
 * destroys the stream: the download ends unfinished instead of ending in a file that looks whole.
 */
/** Resolves when `out` may take more, or is gone (a client that hangs up never drains it). */
const drained = (out: PassThrough) =>
  new Promise<void>((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });

export const xlsxStream = <R>(sheet: XlsxSheet<R>): Readable => {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  const write = async () => {
    const workbook = new WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    const formats = sheet.columns.map((c) => c.format ?? 'text');
    const worksheet = workbook.addWorksheet(sheet.sheetName, {
      views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
    });
    // Written as the sheet closes: the header row gets its filter buttons.
    worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: sheet.columns.length } };
    worksheet.columns = sheet.columns.map((c, i) => ({
      width: c.width,
      style: {
        ...(numberFormats[formats[i]] ? { numFmt: numberFormats[formats[i]] } : {}),
        alignment: formats[i] === 'longText' ? { wrapText: true, vertical: 'top' } : { vertical: 'top' },
      },
    }));
    const header = worksheet.addRow(sheet.columns.map((c) => c.header));
    header.font = { bold: true };
    header.alignment = { vertical: 'middle', wrapText: true };
    header.eachCell((cell) => {
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE7E6E6' } };
      cell.border = { bottom: { style: 'thin' } };
    });
    header.commit();
    for await (const page of sheet.pages) {
      for (const row of page) worksheet.addRow(sheet.columns.map((c, i) => cellValue(formats[i], c.value(row), sheet.timezone))).commit();
      // The zip stream writes into `out`; when the client reads slower than rows are made, wait.
      if (out.writableNeedDrain) await drained(out);
      if (out.destroyed) return; // the client went away: read no further
    }
    worksheet.commit();
    await workbook.commit();
  };
  write().catch((error: unknown) => out.destroy(error instanceof Error ? error : new Error(String(error))));
  return out;
};
