import ExcelJS from 'exceljs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ItemRecord } from '../../shared/data/items';
import { eventSk, itemPk, itemSk } from '../../shared/data/keys';
import { itemIndexKeys } from '../../shared/data/item-index-keys';
import { encodeTrackingCode } from '../../shared/domain/tracking-code';
import { staffTokenHeader } from '../../shared/http/staff-token';
import type { LocalStack } from '../../local/stack';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb';
import { api, startTestStack, type Api } from '../support/stack';
import { applyAction, DAY, randomItem, randomStory } from '../support/fill-plans';
import { prng } from '../support/prng';

/**
 * GET /api/exports/items.xlsx at 500 and at 5,000 items: one row per item (read back with exceljs,
 * the same codes in the same order as GET /api/items), every answered item's public replies in
 * its row, and the exporter's memory flat: the live heap it adds while a download is under way (the
 * heap after a full GC, sampled as the client reads) is about the same for ten times the items,
 * which a workbook built in memory could not do. The stack runs in this process, so the heap is
 * the exporter's (and the test's client, which keeps only a byte count while it measures).
 */

// A GC on demand, for heap figures that are what is live, not what the collector has not reached.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let stack: LocalStack;
let http: Api;
let officeToken: string;
const measured: Record<number, { liveHeapGrowthMB: number; rssGrowthMB: number; heapBeforeMB: number; samples: number; bytes: number; rows: number }> = {};

let engine: DynamoDbLocal;

beforeAll(async () => {
  // A DynamoDB Local of its own: after the other scale files the project's one holds their tables
  // and stream records, and every read of this test's two exports ran three times slower.
  engine = await startDynamoDbLocal();
  stack = await startTestStack({ bulk: true, dynamoEndpoint: engine.endpoint });
  http = api(stack.url);
  officeToken = await stack.issuer.issue({ sub: 'office-scale', name: '办公室 测试', groups: ['office'] });
});
afterAll(async () => {
  // eslint-disable-next-line no-console
  console.log('export-xlsx-scale', JSON.stringify(measured));
  await stack?.stop();
  await engine?.stop();
});

const rng = prng(20261205);
const staff = { type: 'staff' as const, sub: 'scale-bot', name: '批量' };
const start = Date.now() - 45 * DAY;
const replyText = (code: string) => `已答复：${code}，已责成有关单位办理。`;

/** Item `i` in the state its story reaches, with its event rows (replies with a public text). */
const planned = (i: number) => {
  const bytes = new Uint8Array([i & 0xff, (i >> 8) & 0xff, 0x3c, rng.int(256), rng.int(256)]);
  let item: ItemRecord = randomItem(rng, encodeTrackingCode(bytes), i, start + Math.floor((i * 0.618033988749895 % 1) * 44 * DAY));
  const first = { version: 1, at: item.createdAt, action: 'submit', by: { type: 'submitter' as const }, to: item.status };
  const events: Record<string, unknown>[] = [];
  for (const action of randomStory(rng, item)) {
    const { next, change } = applyAction(rng, item, action, staff);
    const reply = action === 'reply' ? { reply: { id: `r${next.version}`, body: replyText(item.trackingCode), visibility: 'public' } } : {};
    events.push({ pk: itemPk(item.trackingCode), sk: eventSk(next.version), entity: 'event', version: next.version, ...change.event, ...reply });
    item = next;
  }
  return [{ pk: itemPk(item.trackingCode), sk: itemSk, entity: 'item', ...itemIndexKeys(item), ...item, firstEvent: first }, ...events];
};

/** Items from..to written in batches of 25 (the export reads the list indexes and item collections only). */
const fill = async (from: number, to: number) => {
  const rows = Array.from({ length: to - from }, (_, k) => planned(from + k)).flat();
  const { client, tableName } = stack.deps.db;
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < rows.length; i += 25) batches.push(rows.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batches.length) {
        let requests = batches[next++].map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; requests.length; attempt++) {
          expect(attempt).toBeLessThan(10);
          const r = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
          requests = (r.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        }
      }
    }),
  );
};

const exportUrl = () => `${stack.url}/api/exports/items.xlsx`;
const exportHeaders = () => ({ [staffTokenHeader]: `Bearer ${officeToken}` });

/**
 * One download read as a slow client would (a pause every few chunks, so the writer must wait for
 * it), with the live heap sampled after a full GC every few chunks. The chunks are kept for the
 * read-back (one export per size: each reads every item collection, the slow part of this test);
 * their bytes live outside the V8 heap, so they do not count in what is measured.
 */
const measureDownload = async () => {
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  let heapPeak = heapBefore;
  let heapLow = heapBefore;
  let rssPeak = rssBefore;
  let samples = 0;
  const r = await fetch(exportUrl(), { headers: exportHeaders() });
  expect(r.status).toBe(200);
  const reader = r.body!.getReader();
  let bytes = 0;
  const chunks: Uint8Array[] = [];
  for (let chunk = 0; ; chunk++) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    chunks.push(value);
    if (chunk % 4 === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      gc();
      const { heapUsed, rss } = process.memoryUsage();
      heapPeak = Math.max(heapPeak, heapUsed);
      heapLow = Math.min(heapLow, heapUsed);
      rssPeak = Math.max(rssPeak, rss);
      samples++;
    }
  }
  // From the lowest live heap seen: what was live before the request and freed during it (the
  // fill's leftovers) must not hide what the download holds.
  return { bytes, samples, heapBefore, liveHeapGrowth: heapPeak - heapLow, rssGrowth: rssPeak - rssBefore, file: Buffer.concat(chunks) };
};

/** Every tracking code GET /api/items lists, in its order. */
const listed = async () => {
  const codes: string[] = [];
  let cursor: string | undefined;
  do {
    const r = await http.get(`/api/items?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { authorization: `Bearer ${officeToken}` });
    expect(r.status).toBe(200);
    codes.push(...r.json.items.map((i: { trackingCode: string }) => i.trackingCode));
    cursor = r.json.nextCursor;
  } while (cursor);
  return codes;
};

/** The downloaded sheet read back: tracking code and public replies per row. */
const readBack = async (file: Buffer) => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(file as unknown as ExcelJS.Buffer);
  const sheet = workbook.worksheets[0];
  const header = (sheet.getRow(1).values as unknown[]).slice(1);
  const code = header.indexOf('跟踪码') + 1;
  const replies = header.indexOf('公开答复') + 1;
  const created = header.indexOf('提交时间') + 1;
  const rows: { code: string; replies: string; created: unknown }[] = [];
  sheet.eachRow((row, n) => {
    if (n > 1) rows.push({ code: String(row.getCell(code).value), replies: String(row.getCell(replies).value ?? ''), created: row.getCell(created).value });
  });
  return rows;
};

const checkAt = async (size: number) => {
  const download = await measureDownload();
  const rows = await readBack(download.file);
  const codes = await listed();
  expect(codes).toHaveLength(size);
  expect(rows.map((row) => row.code)).toEqual(codes);
  for (const row of rows) expect(row.created).toBeInstanceOf(Date);
  // Every item whose story had a public reply shows it (its text names the item).
  const withReplies = rows.filter((row) => row.replies.includes(replyText(row.code)));
  expect(withReplies.length).toBeGreaterThan(size / 5);
  const mb = (n: number) => Math.round(n / 1e4) / 100;
  measured[size] = { liveHeapGrowthMB: mb(download.liveHeapGrowth), rssGrowthMB: mb(download.rssGrowth), heapBeforeMB: mb(download.heapBefore), samples: download.samples, bytes: download.bytes, rows: rows.length };
};

describe('the spreadsheet export at 500 and at 5,000 items', () => {
  it('has one row per item at 500', async () => {
    // A first export of the empty table, unmeasured: loading the writer's modules is not the download's memory.
    await measureDownload();
    await fill(0, 500);
    await checkAt(500);
  }, 300_000);

  it('has one row per item at 5,000, with the exporter\'s live heap about what it was at 500', async () => {
    await fill(500, 5000);
    await checkAt(5000);
    // Ten times the rows, ten times the bytes ...
    expect(measured[5000].bytes).toBeGreaterThan(8 * measured[500].bytes);
    // ... and not ten times the memory: a page or two of rows, whatever the count (a floor of 2 MB
    // for the collector's own noise at the small size).
    expect(measured[5000].liveHeapGrowthMB).toBeLessThan(2 * Math.max(measured[500].liveHeapGrowthMB, 2));
  }, 600_000);
});

