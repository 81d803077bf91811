/**
 * The office's spreadsheet, GET /api/exports/items.xlsx of the whole table, read as a client reads
 * a download: its time, rows per second, size, the read units its handler consumed, and the live
 * heap it added (the heap after a full GC, sampled while the client reads): streamed, that stays
 * a page or two of rows deep whatever the number of items. The stack runs in this process.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { staffTokenHeader } from '../shared/http/staff-token';
import { round } from './measure';
import { totalItems, type Desk } from './scale';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export interface ExportFigure {
  readonly items: number;
  readonly ms: number;
  readonly rowsPerSecond: number;
  readonly kib: number;
  readonly readUnits: number;
  readonly liveHeapGrowthMiB: number;
}

/** The whole file as a client reads it, `onChunk` after each chunk; its size in bytes. */
const download = async (baseUrl: string, desk: Desk, onChunk: (chunk: number) => void): Promise<number> => {
  const r = await fetch(`${baseUrl}/api/exports/items.xlsx`, { headers: { [staffTokenHeader]: desk.auth.authorization } });
  if (r.status !== 200) throw new Error(`items.xlsx: ${r.status} ${await r.text()}`);
  const reader = r.body!.getReader();
  let bytes = 0;
  for (let chunk = 0; ; chunk++) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.length;
    onChunk(chunk);
  }
};

let warm = false;

export const measureExport = async (desk: Desk, baseUrl: string): Promise<ExportFigure> => {
  // Once, unmeasured: loading the writer's modules is not a download's memory.
  if (!warm) await download(baseUrl, desk, () => undefined);
  warm = true;
  const items = await totalItems();
  gc();
  let low = process.memoryUsage().heapUsed;
  let peak = low;
  desk.capacity.reset();
  desk.capacity.measuring = true;
  const started = performance.now();
  let bytes = 0;
  try {
    bytes = await download(baseUrl, desk, (chunk) => {
      if (chunk % 16 !== 0) return;
      gc();
      const { heapUsed } = process.memoryUsage();
      peak = Math.max(peak, heapUsed);
      low = Math.min(low, heapUsed);
    });
  } finally {
    desk.capacity.measuring = false;
  }
  const ms = performance.now() - started;
  return { items, ms: round(ms, 0), rowsPerSecond: round(items / (ms / 1000), 0), kib: round(bytes / 1024, 1), readUnits: round(desk.capacity.read, 1), liveHeapGrowthMiB: round((peak - low) / 2 ** 20, 2) };
};
