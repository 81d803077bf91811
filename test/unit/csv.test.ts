import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, csvRecord, utf8Bom } from '../../shared/services/csv';

/**
 * The export's CSV writer (shared/services/csv.ts). The export's own test checks what a
 * spreadsheet receives end to end; here a property test checks that whatever the cells hold,
 * a strict RFC 4180 reader gets exactly those cells back.
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

describe('the CSV writer', () => {
  it('quotes a field only when it holds a comma, a quote, a CR or an LF, and doubles quotes', () => {
    expect(csvField('plain text 中文 😀')).toBe('plain text 中文 😀');
    expect(csvField('')).toBe('');
    // Spaces are part of a field (RFC 4180 2.4); csv-stringify, which the export used before, left them unquoted.
    expect(csvField('  padded  ')).toBe('  padded  ');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('"')).toBe('""""');
    expect(csvField('one\ntwo')).toBe('"one\ntwo"');
    expect(csvField('one\r\ntwo')).toBe('"one\r\ntwo"');
    expect(csvField('lone\r')).toBe('"lone\r"');
    // Formula defusing is the export's business (shared/services/export.ts), not the writer's.
    expect(csvField('=1+1')).toBe('=1+1');
  });

  it('ends every record with CRLF, an empty record included', () => {
    expect(csvRecord(['a', 'b,c', ''])).toBe('a,"b,c",\r\n');
    expect(csvRecord([''])).toBe('\r\n');
    expect(utf8Bom).toBe('\uFEFF');
    expect([...Buffer.from(utf8Bom, 'utf8')]).toEqual([0xef, 0xbb, 0xbf]);
  });

  /** Cells built from the characters that matter to CSV and from any Unicode text, emoji and Chinese included. */
  const special = fc.constantFrom(',', '"', '\r', '\n', '\r\n', ' ', '\t', '=', "'", '中', '文', '😀', '👨‍👩‍👧', '，', '“');
  const cell = fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.string({ unit: fc.oneof(special, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })) }),
    fc.array(special).map((parts) => parts.join('')),
  );

  it('writes records that a strict RFC 4180 reader reads back to the same cells, through UTF-8', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 8 }), { maxLength: 6 }), (records) => {
        const bytes = Buffer.from(records.map(csvRecord).join(''), 'utf8');
        const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        expect(parseStrict(text)).toEqual(records);
      }),
      { numRuns: 2000 },
    );
  });

  it('quotes exactly the fields that need it', () => {
    fc.assert(
      fc.property(cell, (value) => {
        const written = csvField(value);
        expect(written.startsWith('"')).toBe(/[",\r\n]/.test(value));
      }),
      { numRuns: 2000 },
    );
  });
});
