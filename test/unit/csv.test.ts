import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvText, defuse, exportColumns } from '../../shared/services/export';

/**
 * The export's CSV encoding: csv-stringify with the export's options (`csvText` in
 * shared/services/export.ts). The export's own test checks what a spreadsheet receives end to end;
 * here a property test checks that whatever the cells hold, a strict RFC 4180 reader gets exactly
 * those cells back (after formula defusing).
 */

/**
 * RFC 4180 read strictly: records end with CRLF only (a bare CR or LF outside quotes is an error,
 * so an unquoted line break in a cell cannot slip through), a quote may only open a field or, in a
 * quoted field, be doubled or close it. Every record must end with its CRLF.
 */
const parseStrict = (text: string): string[][] => {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      // A quoted field runs to the next quote that is not doubled.
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('an unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          field += '"';
          i += 2;
        } else field += text[i++];
      }
      i++;
      if (i < text.length && text[i] !== ',' && text[i] !== '\r') throw new Error(`text after a closing quote at ${i}`);
    }
    while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
      if (text[i] === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
      if (text[i] === '\n') throw new Error(`a bare LF at ${i}`);
      field += text[i++];
    }
    if (i >= text.length) throw new Error('a record without its CRLF');
    record.push(field);
    field = '';
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i + 1] !== '\n') throw new Error(`a bare CR at ${i}`);
    i += 2;
    records.push(record);
    record = [];
  }
  return records;
};

describe('the strict RFC 4180 reader of this test', () => {
  it('reads what RFC 4180 allows and refuses the rest', () => {
    expect(parseStrict('a,b\r\n"x,1","say ""hi""","two\r\nlines"\r\n,\r\n\r\n')).toEqual([['a', 'b'], ['x,1', 'say "hi"', 'two\r\nlines'], ['', ''], ['']]);
    expect(parseStrict('')).toEqual([]);
    for (const bad of ['a\nb\r\n', 'a\rb\r\n', 'a"b\r\n', '"a\r\n', '"a"b\r\n', 'a', 'a,b', '"a"']) expect(() => parseStrict(bad), JSON.stringify(bad)).toThrow();
  });
});

describe('the CSV encoding', () => {
  const width = exportColumns.length;
  const row = (...cells: string[]) => [...cells, ...Array.from({ length: width - cells.length }, () => 'x')];
  const body = (records: string[][]) => csvText(records, { first: false });
  const firstCell = (cell: string) => {
    const text = body([row(cell)]);
    return text.slice(0, text.length - `,${row().slice(1).join(',')}\r\n`.length);
  };

  it('quotes a field only when it holds a comma, a quote, a CR or an LF, and doubles quotes', () => {
    expect(body([row('plain text 中文 😀', '', '  padded  ')])).toBe(`plain text 中文 😀,,  padded  ,${row().slice(3).join(',')}\r\n`);
    expect(firstCell('say "hi"')).toBe('"say ""hi"""');
    expect(firstCell('a,b')).toBe('"a,b"');
    expect(firstCell('"')).toBe('""""');
    expect(firstCell('one\ntwo')).toBe('"one\ntwo"');
    expect(firstCell('one\r\ntwo')).toBe('"one\r\ntwo"');
    expect(firstCell('lone\r')).toBe('"lone\r"');
    // A cell that a spreadsheet would run as a formula is shown as text.
    expect(firstCell('=1+1')).toBe("'=1+1");
  });

  it('starts an export with the BOM and the header, and ends every record with CRLF', () => {
    const first = csvText([], { first: true });
    expect([...Buffer.from(first, 'utf8').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(first.slice(1)).toBe(`${exportColumns.join(',')}\r\n`);
    expect(body([])).toBe('');
    expect(body([row('a')]).endsWith('\r\n')).toBe(true);
  });

  /** Cells built from the characters that matter to CSV and from any Unicode text, emoji and Chinese included. */
  const special = fc.constantFrom(',', '"', '\r', '\n', '\r\n', ' ', '\t', '=', "'", '中', '文', '😀', '👨‍👩‍👧', '，', '“');
  const cell = fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: fc.oneof(special, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })) }),
    fc.array(special).map((parts) => parts.join('')),
  );

  it('writes records that a strict RFC 4180 reader reads back to the same (defused) cells, through UTF-8', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: width, maxLength: width }), { maxLength: 6 }), (records) => {
        const bytes = Buffer.from(csvText(records, { first: true }), 'utf8');
        const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
        expect(text.startsWith('\uFEFF')).toBe(true);
        expect(parseStrict(text.slice(1))).toEqual([[...exportColumns], ...records.map((r) => r.map(defuse))]);
      }),
      { numRuns: 1000 },
    );
  });

  it('quotes exactly the fields that need it', () => {
    fc.assert(
      fc.property(cell, (value) => {
        expect(firstCell(value).startsWith('"')).toBe(/[",\r\n]/.test(defuse(value)));
      }),
      { numRuns: 2000 },
    );
  });
});
