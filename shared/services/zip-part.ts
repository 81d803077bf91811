import { constants, crc32, deflateRawSync } from 'node:zlib';
import type { ZipPart, ZipPartSink } from './zip-writer';

/**
 * One file of a zip written by zip-writer.ts, its bytes deflated by Node's own zlib as they are
 * pushed, for the spreadsheet exports (shared/services/xlsx-writer.ts).
 *
 * Why not fflate's `ZipDeflate` (fflate wrote the container before zip-writer.ts): its deflate is
 * JavaScript, and a Lambda's fresh process runs it before V8 has optimised it: measured, a 700 KB
 * sheet took 75-110 ms there against 5-8 ms in zlib's native code, the largest part of the
 * export's cold start.
 *
 * Each push is deflated at once with a sync flush, so it ends on a byte boundary without ending the
 * stream; the pushes' outputs joined, then an empty final block, are one deflate stream (RFC 1951;
 * pigz joins its blocks the same way). The last `windowBytes` pushed are the next push's preset dictionary,
 * so the output compresses as one stream would.
 */
export class DeflatedZipPart implements ZipPart {
  /** Deflate, in the zip's method numbers (APPNOTE 4.4.5). */
  readonly compression = 8;
  /** Uncompressed bytes and their CRC-32 so far: the zip writes both after the final push. */
  size = 0;
  crc = 0;
  ondata?: ZipPartSink;
  private window: Buffer = Buffer.alloc(0);

  constructor(readonly filename: string) {}

  push(data: Uint8Array, final: boolean): void {
    if (!this.ondata) throw new Error(`zip part ${this.filename} pushed before it was added to a zip`);
    this.size += data.length;
    this.crc = crc32(data, this.crc);
    const deflated = deflateRawSync(data, { level: deflateLevel, finishFlush: constants.Z_SYNC_FLUSH, ...(this.window.length ? { dictionary: this.window } : {}) });
    this.window = data.length >= windowBytes ? Buffer.from(data.subarray(data.length - windowBytes)) : Buffer.concat([this.window, data]).subarray(-windowBytes);
    this.ondata(null, final ? Buffer.concat([deflated, finalBlock]) : deflated, final);
  }
}

/** zlib's default level: the sheet's repetitive XML shrinks to about a tenth. */
const deflateLevel = 6;
/** Deflate's window: how far back a match may reach. */
const windowBytes = 32 * 1024;
/** An empty block marked final (BFINAL 1, fixed Huffman codes, end of block): closes the stream. */
const finalBlock = Buffer.from([0x03, 0x00]);
