/**
 * The SpreadsheetML (ECMA-376 part 1, "Office Open XML") of the office's one-sheet workbooks, as
 * shared/services/xlsx-writer.ts streams them: the package's fixed parts and the sheet's XML, a
 * head, one row at a time, a tail. The shape follows what exceljs's streaming writer wrote before
 * (the same styles, the same frozen pane and filter), less its theme and document properties,
 * which are optional parts; the tests read every file back with exceljs's reader.
 *
 * Why SpreadsheetML by hand: every well-kept xlsx writer that streams (exceljs's WorkbookWriter and
 * the small ones on npm) zips through `archiver`, which brings glob, readable-stream, lazystream
 * and async into the bundle (measured: about 260 KB of a 772 KB bundle; exceljs's writer and its
 * XML reader another 190 KB); SheetJS does not stream. These few fixed parts are what a one-sheet
 * export needs. The zip container is a library's: yazl (xlsx-writer.ts), over Node's own zlib.
 */

/** Cell styles: indexes into `cellXfs` below (a column's format, or the header row). */
export const cellStyle = { text: 1, dateTime: 2, date: 3, longText: 4, number: 5, header: 6 } as const;

/** A written cell: text, a number (dates as Excel serial days), a truth value, or nothing. */
export type XlsxCell = string | number | boolean | null;

const main = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const relationships = 'http://schemas.openxmlformats.org/package/2006/relationships';
const officeRelationship = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
/** Text as XML character data or an attribute value (the caller has removed what XML cannot hold). */
export const escapeXml = (text: string): string => text.replace(/[&<>"]/g, (c) => escapes[c]);

/** The column's letters: 0 -> A, 25 -> Z, 26 -> AA. */
export const columnName = (index: number): string => {
  let name = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
};

/** Number formats 164 and 165 are the workbook's own (0-163 are Excel's built-ins; 1 is '0'). */
const styles =
  `<styleSheet xmlns="${main}">` +
  '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>' +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  // Fills 0 and 1 are reserved by Excel (none, gray125); 2 is the header's grey.
  '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>' +
  '<fill><patternFill patternType="solid"><fgColor rgb="FFE7E6E6"/></patternFill></fill></fills>' +
  '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border><left/><right/><top/><bottom style="thin"/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  // In the order of `cellStyle`.
  '<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top"/></xf>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>' +
  '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>' +
  '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>' +
  '<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyAlignment="1"><alignment vertical="top"/></xf>' +
  '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="center" wrapText="1"/></xf>' +
  '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';

export const worksheetPath = 'xl/worksheets/sheet1.xml';

/** The package's parts besides the sheet, by path: content types, relationships, workbook, styles. */
export const packageParts = (sheetName: string): ReadonlyArray<readonly [path: string, xml: string]> => [
  [
    '[Content_Types].xml',
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
      `<Override PartName="/${worksheetPath}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
      '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
  ],
  ['_rels/.rels', `<Relationships xmlns="${relationships}"><Relationship Id="rId1" Type="${officeRelationship}/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
  [
    'xl/workbook.xml',
    `<workbook xmlns="${main}" xmlns:r="${officeRelationship}"><bookViews><workbookView/></bookViews>` +
      `<sheets><sheet name="${escapeXml(sheetName)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  ],
  [
    'xl/_rels/workbook.xml.rels',
    `<Relationships xmlns="${relationships}"><Relationship Id="rId1" Type="${officeRelationship}/worksheet" Target="worksheets/sheet1.xml"/>` +
      `<Relationship Id="rId2" Type="${officeRelationship}/styles" Target="styles.xml"/></Relationships>`,
  ],
  ['xl/styles.xml', styles],
].map(([path, xml]) => [path, declaration + xml] as const);

/** The sheet up to its first row: the frozen header pane and the columns' widths and styles. */
export const sheetHead = (columns: ReadonlyArray<{ readonly width: number; readonly style: number }>): string =>
  `${declaration}<worksheet xmlns="${main}" xmlns:r="${officeRelationship}">` +
  '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>' +
  '<sheetFormatPr defaultRowHeight="15"/><cols>' +
  columns.map((c, i) => `<col min="${i + 1}" max="${i + 1}" width="${c.width}" style="${c.style}" customWidth="1"/>`).join('') +
  '</cols><sheetData>';

const cellXml = (ref: string, style: number, value: XlsxCell): string => {
  if (value === null || (typeof value === 'number' && !Number.isFinite(value))) return '';
  if (typeof value === 'number') return `<c r="${ref}" s="${style}"><v>${value}</v></c>`;
  if (typeof value === 'boolean') return `<c r="${ref}" s="${style}" t="b"><v>${value ? 1 : 0}</v></c>`;
  // An inline string is text, never a formula, whatever it starts with.
  return `<c r="${ref}" s="${style}" t="inlineStr"><is><t xml:space="preserve">${escapeXml(value)}</t></is></c>`;
};

/** One row (numbered from 1); an empty cell is left out and shows its column's style. */
export const rowXml = (row: number, cells: readonly XlsxCell[], styles: readonly number[]): string =>
  `<row r="${row}">${cells.map((value, i) => cellXml(`${columnName(i)}${row}`, styles[i], value)).join('')}</row>`;

/** The rest of the sheet: the header row's filter buttons and Excel's default page margins. */
export const sheetTail = (columnCount: number): string =>
  `</sheetData><autoFilter ref="A1:${columnName(columnCount - 1)}1"/>` +
  '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>';

/** An instant as Excel's serial day number (1900 date system; days since 1899-12-30 in UTC). */
export const excelSerial = (date: Date): number => date.getTime() / 86_400_000 + 25_569;
