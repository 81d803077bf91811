/**
 * The zip container of the spreadsheet exports (shared/services/xlsx-writer.ts), written as its
 * parts stream: for each part a local header, its deflated bytes as they come (zip-part.ts: Node's
 * zlib deflates them and keeps the CRC-32 and sizes), a data descriptor with the CRC and sizes;
 * then the central directory and its end record (APPNOTE.TXT 4.3: 4.3.7, 4.3.9, 4.3.12, 4.3.16).
 * The same records fflate's `Zip` wrote before, field for field.
 *
 * Why not fflate's `Zip` any more: its module builds deflate and inflate tables when it loads (a
 * 32,768-entry table among them), which a container that never deflates has no use for, and a
 * Lambda's fresh process ran them unoptimised: about 3 to 4.6 ms of every spreadsheet export's
 * cold start, measured (CPU profiles of the bench's bounded exports). The records are fixed
 * layouts; the tests read every file back with exceljs's reader and with fflate's `unzipSync`
 * (test/unit/zip-writer.test.ts), which check them and the CRCs.
 *
 * Limits, fflate's as well: no ZIP64, so at most 65,535 parts and 4 GiB (an export's sheet is a
 * few MB); one part written at a time.
 */

/** Where a part hands its deflated bytes (`final` with the last of them). */
export type ZipPartSink = (error: Error | null, chunk: Uint8Array, final: boolean) => void;

/** A part as the writer takes it: its name, method, and the CRC-32 and size of what was pushed. */
export interface ZipPart {
  readonly filename: string;
  /** Deflate (8) or stored (0), in the zip's method numbers (APPNOTE 4.4.5). */
  readonly compression: number;
  readonly size: number;
  readonly crc: number;
  ondata?: ZipPartSink;
}

interface Entry {
  readonly name: Buffer;
  readonly flags: number;
  readonly compression: number;
  readonly time: number;
  readonly date: number;
  readonly offset: number;
  crc: number;
  compressedSize: number;
  size: number;
}

/** Version needed to extract: 2.0 (deflate, data descriptors). */
const version = 20;
/** General purpose flags: sizes and CRC in a data descriptor after the data; UTF-8 names. */
const dataDescriptorFlag = 0x0008;
const utf8Flag = 0x0800;

/** A time as MS-DOS date and time (local wall clock, two-second steps), as fflate wrote it. */
const dosDateTime = (at: Date) => ({
  time: (at.getHours() << 11) | (at.getMinutes() << 5) | (at.getSeconds() >> 1),
  date: ((at.getFullYear() - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate(),
});

const localHeader = (e: Entry): Buffer => {
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(version, 4);
  b.writeUInt16LE(e.flags, 6);
  b.writeUInt16LE(e.compression, 8);
  b.writeUInt16LE(e.time, 10);
  b.writeUInt16LE(e.date, 12);
  // CRC and sizes (14-25) are zero here: the data descriptor carries them.
  b.writeUInt16LE(e.name.length, 26);
  return Buffer.concat([b, e.name]);
};

const dataDescriptor = (e: Entry): Buffer => {
  const b = Buffer.alloc(16);
  b.writeUInt32LE(0x08074b50, 0);
  b.writeUInt32LE(e.crc, 4);
  b.writeUInt32LE(e.compressedSize, 8);
  b.writeUInt32LE(e.size, 12);
  return b;
};

const centralHeader = (e: Entry): Buffer => {
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(version, 4); // made by: 2.0, MS-DOS attributes (none set)
  b.writeUInt16LE(version, 6);
  b.writeUInt16LE(e.flags, 8);
  b.writeUInt16LE(e.compression, 10);
  b.writeUInt16LE(e.time, 12);
  b.writeUInt16LE(e.date, 14);
  b.writeUInt32LE(e.crc, 16);
  b.writeUInt32LE(e.compressedSize, 20);
  b.writeUInt32LE(e.size, 24);
  b.writeUInt16LE(e.name.length, 28);
  // Extra field, comment, disk number, attributes: none (30-41).
  b.writeUInt32LE(e.offset, 42);
  return Buffer.concat([b, e.name]);
};

const endOfDirectory = (count: number, size: number, offset: number): Buffer => {
  const b = Buffer.alloc(22);
  b.writeUInt32LE(0x06054b50, 0);
  b.writeUInt16LE(count, 8);
  b.writeUInt16LE(count, 10);
  b.writeUInt32LE(size, 12);
  b.writeUInt32LE(offset, 16);
  return b;
};

/** A zip written to `write` as its parts are pushed; `final` comes with the end record. */
export class ZipWriter {
  private readonly entries: Entry[] = [];
  private offset = 0;
  private writing: Entry | undefined;

  constructor(private readonly write: (chunk: Uint8Array, final: boolean) => void) {}

  private emit(chunk: Uint8Array, final = false): void {
    this.offset += chunk.length;
    if (this.offset > 0xffff_ffff) throw new Error('zip larger than 4 GiB (no ZIP64)');
    this.write(chunk, final);
  }

  /** Starts `part`: its bytes follow as it pushes them, until its final push. */
  add(part: ZipPart): void {
    if (this.writing) throw new Error(`zip part ${part.filename} added while another is written`);
    if (this.entries.length === 0xffff) throw new Error('more than 65,535 zip parts (no ZIP64)');
    const name = Buffer.from(part.filename, 'utf8');
    const entry: Entry = {
      name,
      flags: dataDescriptorFlag | (name.length !== part.filename.length ? utf8Flag : 0),
      compression: part.compression,
      ...dosDateTime(new Date()),
      offset: this.offset,
      crc: 0,
      compressedSize: 0,
      size: 0,
    };
    this.entries.push(entry);
    this.writing = entry;
    this.emit(localHeader(entry));
    part.ondata = (error, chunk, final) => {
      if (error) throw error;
      entry.compressedSize += chunk.length;
      this.emit(chunk);
      if (!final) return;
      entry.crc = part.crc;
      entry.size = part.size;
      this.emit(dataDescriptor(entry));
      this.writing = undefined;
    };
  }

  /** The central directory and its end record, once every part has had its final push. */
  end(): void {
    if (this.writing) throw new Error(`zip ended before part ${this.writing.name.toString('utf8')} was`);
    const start = this.offset;
    const directory = Buffer.concat(this.entries.map(centralHeader));
    this.emit(directory);
    this.emit(endOfDirectory(this.entries.length, directory.length, start), true);
  }
}
