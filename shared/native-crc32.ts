/**
 * What the Lambda bundles take for `buffer-crc32` (infra/bundling.ts `crc32Alias`), the one
 * dependency of yazl, the spreadsheets' zip writer: its API on Node's own CRC-32 (`zlib.crc32`,
 * native since Node.js 20.15; the functions run Node.js 24).
 *
 * Why: buffer-crc32 computes the checksum in JavaScript, a loop that a fresh process runs cold over
 * every part of a workbook, and through a stream per streamed part (measured, paired cold starts
 * of the bounded exports: export-items-xlsx 1.39 -> 1.37 over the floor, export-rectifications-xlsx
 * 1.42 -> 1.40). The numbers are the same (test/unit/native-crc32.test.ts holds them against
 * buffer-crc32's, whole and in pieces). The local stack and the tests run buffer-crc32 itself.
 */
import { crc32 as zlibCrc32 } from 'node:zlib';

type Data = string | Buffer;

/** The CRC-32 of `data`, continuing from `previous` (a CRC of what came before), unsigned. */
export const unsigned = (data: Data, previous = 0): number => zlibCrc32(data, previous);

/** The same, as a signed 32-bit integer. */
export const signed = (data: Data, previous = 0): number => unsigned(data, previous) | 0;

/** The same, as 4 bytes, big-endian (buffer-crc32's default export). */
const crc32 = (data: Data, previous?: number | Buffer): Buffer => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(unsigned(data, Buffer.isBuffer(previous) ? previous.readUInt32BE(0) : previous), 0);
  return out;
};
export default crc32;
