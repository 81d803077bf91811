import { PassThrough, type Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { isIsoDate, wallClockAsUtc } from '../domain/calendar';
import { cellStyle, excelSerial, packageParts, rowXml, sheetHead, sheetTail, worksheetPath, type XlsxCell } from './xlsx-parts';

/**
 * Spreadsheets for people (the office's exports): one sheet, a Chinese header row in bold on grey,
 * frozen, with a filter; fixed column widths; dates as real Excel dates shown in the directory's
 * timezone; streamed (the SpreadsheetML in xlsx-parts.ts, zipped by yazl as it is written), so a
 * workbook of any size costs memory of a page of rows, not of the file. Used by
 * GET /api/exports/items.xlsx and the rectification ledger.
 *
 * Why yazl for the zip: it streams a part of unknown size (data descriptors), deflates with Node's
 * own zlib (native code: fflate's JavaScript deflate took 75-110 ms for a 700 KB sheet in a fresh
 * process, zlib 5-8 ms) and builds no tables when it loads; its one dependency is buffer-crc32.
 */

export type XlsxValue = string | number | boolean | null | undefined;

/**
 * How a column's values are written:
 *   text      as is (the default)          longText  wrapped, top-aligned (bodies, replies)
 *   dateTime  an ISO instant, shown as 'yyyy-mm-dd hh:mm' local time (the minute it falls in)
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

/** A minute in milliseconds: a time cell holds the minute its format shows. */
const minuteMs = 60_000;

/**
 * A cell's value: dates as zone-less dates holding the local wall clock (Excel dates have no zone).
 * A time is cut to the minute it falls in, the precision its format shows: a spreadsheet rounds
 * the seconds' fraction it is given, so a deadline at a day's last millisecond (23:59:59.999)
 * showed as the next day's 00:00 in LibreOffice, a day later than the pages say.
 */
export const cellValue = (format: XlsxFormat, value: XlsxValue, timezone: string): string | number | boolean | Date | null => {
  if (value === undefined || value === null || value === '') return null;
  if (format === 'date' && typeof value === 'string' && isIsoDate(value)) return new Date(`${value}T00:00:00Z`);
  if (format === 'dateTime' || format === 'date') {
    const instant = Date.parse(String(value));
    if (Number.isNaN(instant)) return null;
    const local = wallClockAsUtc(instant, timezone);
    // A day shows as its local day: midnight, so that no time hides in the cell.
    return format === 'date' ? new Date(local.toISOString().slice(0, 10) + 'T00:00:00Z') : new Date(Math.floor(local.getTime() / minuteMs) * minuteMs);
  }
  if (typeof value === 'string') {
    const text = value.replace(notXml, '\uFFFD').slice(0, maxCellChars);
    // The cut must not split a surrogate pair: half of one is a character XML cannot hold.
    return /[\uD800-\uDBFF]$/.test(text) ? text.slice(0, -1) : text;
  }
  return value;
};

/**
 * Resolves when `sheet` may take more, or when it or the zip's output is gone (a client that hangs
 * up stops reading the output, and then nothing drains).
 */
const drained = (sheet: PassThrough, out: PassThrough) =>
  new Promise<void>((resolve) => {
    const done = () => {
      sheet.off('drain', done);
      sheet.off('close', done);
      out.off('close', done);
      resolve();
    };
    sheet.on('drain', done);
    sheet.on('close', done);
    out.on('close', done);
  });

const utf8 = (xml: string) => Buffer.from(xml, 'utf8');

/**
 * The workbook as a stream of bytes: a zip written by yazl (Node's zlib deflates each part; yazl
 * writes the headers, each streamed part's CRC and sizes in a data descriptor after it, and the
 * central directory), its parts in the order of xlsx-parts.ts, the sheet last. Rows are written
 * page by page into the sheet's part; before the next page is read the writer waits until what
 * was written has drained through the zip to the client (the response's backpressure, through
 * yazl's pipes), so memory stays a page or two deep whatever the number of rows. A failure while
 * reading the pages destroys the stream: the download ends unfinished instead of ending in a file
 * that looks whole.
 */
export const xlsxStream = <R>(sheet: XlsxSheet<R>): Readable => {
  const zip = new ZipFile();
  // yazl's output is a PassThrough (its types say only a readable stream).
  const out = zip.outputStream as PassThrough;
  zip.on('error', (error: Error) => out.destroy(error));
  // The package parts are a few hundred bytes each: stored, not deflated (a zip may mix both, and
  // Excel reads either), which spares a fresh process one zlib stream per part before the sheet's.
  for (const [path, xml] of packageParts(sheet.sheetName)) zip.addBuffer(utf8(xml), path, { compress: false });
  const rows = new PassThrough();
  zip.addReadStream(rows, worksheetPath);
  // No more parts: yazl writes the central directory once the sheet's part has ended.
  zip.end();
  const write = async () => {
    const formats = sheet.columns.map((c) => c.format ?? 'text');
    const styles = formats.map((format) => cellStyle[format]);
    rows.write(
      utf8(
        sheetHead(sheet.columns.map((c, i) => ({ width: c.width, style: styles[i] }))) +
          rowXml(1, sheet.columns.map((c) => c.header), sheet.columns.map(() => cellStyle.header)),
      ),
    );
    let rowNumber = 1;
    for await (const page of sheet.pages) {
      const xml = page.map((row) => rowXml(++rowNumber, sheet.columns.map((c, i) => cell(cellValue(formats[i], c.value(row), sheet.timezone))), styles));
      if (xml.length > 0) rows.write(utf8(xml.join('')));
      // When the client reads slower than rows are made, wait.
      if (rows.writableNeedDrain) await drained(rows, out);
      if (out.destroyed) {
        // The client went away: read no further.
        rows.destroy();
        return;
      }
    }
    rows.end(utf8(sheetTail(sheet.columns.length)));
  };
  write().catch((error: unknown) => {
    out.destroy(error instanceof Error ? error : new Error(String(error)));
    // Without an error: yazl does not listen for its input's errors. Its part never ends, so the
    // central directory is never written.
    rows.destroy();
  });
  return out;
};

/** A date as Excel's serial day (its cell's number format shows it as a date). */
const cell = (value: ReturnType<typeof cellValue>): XlsxCell => (value instanceof Date ? excelSerial(value) : value);
