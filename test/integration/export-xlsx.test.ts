import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { xlsxContentType } from '../../shared/http/headers';
import { staffTokenHeader } from '../../shared/http/staff-token';
import { useClockedStack } from '../support/clocked-stack';
import { OWN, ownUnit, type Person } from '../support/staff-people';
import { leakPattern } from '../support/stack';

/**
 * GET /api/exports/items.xlsx (API.md v2 "Exports for people", columns in docs/api.md): the
 * workbook read back with exceljs's reader as Excel would open it: the Chinese header row, labels
 * instead of ids, times as dates in Beijing time (an item made at 06:50 Beijing time is on its
 * Beijing day), the body, public replies (never internal notes), rating, `resolved`, session,
 * on-the-spot answer, urging and extension; the same rows as GET /api/items for the same filters;
 * no contact details; who may have it.
 */

const env = useClockedStack();
const { as } = env;

const headers = [
  '跟踪码', '提交时间', '阶段', '类型', '来源', '培训场次', '单位', '承办', '状态', '标题', '内容', '办理期限', '是否超期', '延期',
  '催办时间', '首次答复时间', '公开答复', '现场答复', '办结时间', '评价', '问题是否解决', '培训评分', '整改状态',
];
type Row = Record<string, unknown>;

/** The workbook of a query as `who` (the token as the console sends it to the export). */
const download = async (query = '', who: Person = 'office') => {
  const r = await fetch(`${env.stack.url}/api/exports/items.xlsx${query ? `?${query}` : ''}`, { headers: { [staffTokenHeader]: `Bearer ${env.tokens[who]}` } });
  return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
};

/** The sheet's rows keyed by header, after checking the header row and the sheet's layout. */
const rowsOf = async (bytes: Buffer): Promise<Row[]> => {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ExcelJS.Buffer);
  expect(workbook.worksheets.map((s) => s.name)).toEqual(['事项']);
  const sheet = workbook.worksheets[0];
  expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(headers);
  expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  const rows: Row[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    rows.push(Object.fromEntries(headers.map((h, i) => [h, row.getCell(i + 1).value ?? ''])));
  });
  expect(sheet.rowCount).toBe(rows.length + 1);
  return rows;
};

/** Every tracking code GET /api/items lists for a query, in its order. */
const listed = async (query = '') => {
  const codes: string[] = [];
  let cursor: string | undefined;
  do {
    const r = await as('office').get(`/api/items?limit=100${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status, r.text).toBe(200);
    codes.push(...r.json.items.map((i: { trackingCode: string }) => i.trackingCode));
    cursor = r.json.nextCursor;
  } while (cursor);
  return codes;
};

/** A date cell as the local wall clock it shows ('2026-12-09 06:50'). */
/**
 * A date cell as a spreadsheet shows it with its 'yyyy-mm-dd hh:mm' format: LibreOffice (Calc 7.4,
 * checked) rounds the value to the whole second, then shows the minute.
 */
const shown = (cell: unknown) => (cell instanceof Date ? new Date(Math.round(cell.getTime() / 1000) * 1000).toISOString().slice(0, 16).replace('T', ' ') : cell);

const submit = async (body: Record<string, unknown>) => {
  const r = await env.http.post('/api/submissions', { kind: 'question', body: '详见标题。', anonymous: true, unitId: ownUnit.id, ...body });
  expect(r.status, r.text).toBe(201);
  return r.json as { trackingCode: string; accessKey: string };
};

/** When the sheet is read (the clock goes back to now after each test). */
const later = new Date('2026-12-22T02:00:00.000Z');
const codes = {} as Record<'early' | 'rated' | 'extended' | 'urged' | 'spot' | 'office', string>;
let session: string;
let rows: Row[];
let response: Awaited<ReturnType<typeof download>>;
const byCode = (code: string) => rows.find((r) => r['跟踪码'] === code)!;

beforeAll(async () => {
  // Tuesday 8 December 2026, 22:50 UTC: Wednesday 9 December, 06:50 in Beijing.
  env.clock.set(new Date('2026-12-08T22:50:00.000Z'));
  codes.early = (await submit({ title: '清晨提交', anonymous: false, contact: { name: '张三', email: 'zhangsan@example.com', phone: '13800000000' } })).trackingCode;
  env.clock.set(new Date('2026-12-09T02:00:00.000Z'));
  const rated = await submit({ kind: 'feedback', title: '培训很好', body: '案例贴近实际。\n建议多安排讨论。', rating: 4 });
  codes.rated = rated.trackingCode;
  expect((await as('own').post(`/api/items/${rated.trackingCode}/replies`, { body: '内部：已核实', visibility: 'internal' })).status).toBe(201);
  expect((await as('own').post(`/api/items/${rated.trackingCode}/replies`, { body: '感谢反馈，将增加讨论环节。', visibility: 'public' })).status).toBe(201);
  expect((await env.http.post(`/api/submissions/${rated.trackingCode}/rating`, { satisfaction: 'basically', resolved: 'partly' }, { 'X-Access-Key': rated.accessKey })).status).toBe(200);
  codes.extended = (await submit({ title: '需要协调的问题', kind: 'problem' })).trackingCode;
  const extended = await as('office').get(`/api/items/${codes.extended}`);
  expect((await as('own').post(`/api/items/${codes.extended}/extension`, { workingDays: 2, reason: '需协调多个部门' }, extended.json.version)).status).toBe(201);
  expect((await as('office').post(`/api/items/${codes.extended}/extension/decision`, { approve: true })).status).toBe(200);
  // A rectification planned for the problem, due Friday 18 December: overdue, still owed, by the 22nd.
  const planned = await as('office').get(`/api/items/${codes.extended}`);
  const plan = await env.http.call('PUT', `/api/items/${codes.extended}/rectification`, {
    body: { unitId: ownUnit.id, measures: '建立协调机制。', standard: '各部门材料只报一次。', deadline: '2026-12-18' },
    headers: { authorization: `Bearer ${env.tokens.office}`, 'if-match': `"${planned.json.version}"` },
  });
  expect(plan.status, plan.text).toBe(200);
  codes.urged = (await submit({ title: '迟迟未办' })).trackingCode;
  codes.office = (await submit({ title: '办公室队列', unitId: undefined })).trackingCode;
  const made = await as('office').post('/api/sessions', { title: '导出培训会', startsAt: '2026-12-09T01:00:00.000Z', groupId: OWN });
  expect(made.status, made.text).toBe(201);
  session = made.json.code;
  const recorded = await as('office').post(`/api/sessions/${session}/records`, { entries: [{ kind: 'question', title: '学时认定', body: '线上学时是否计入？', answer: '计入，按实际时长认定。' }] });
  expect(recorded.status, recorded.text).toBe(201);
  codes.spot = recorded.json.items[0].trackingCode;
  // A question is due in 5 working days (16 December); urged 3 working days after, from the 22nd.
  env.clock.set(later);
  await env.stack.sweep();
  expect((await as('office').get(`/api/items/${codes.urged}`)).json.urgedAt).toBeDefined();
  response = await download();
  rows = await rowsOf(response.bytes);
});

describe('the spreadsheet', () => {
  it('is an .xlsx attachment named for the local day', () => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(xlsxContentType);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="yijian-items-2026-12-22.xlsx"');
    // A zip file (the .xlsx container).
    expect(response.bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('has one row per item, in the order GET /api/items lists them', async () => {
    expect(rows.map((r) => r['跟踪码'])).toEqual(await listed());
    expect(rows.length).toBeGreaterThanOrEqual(6);
  });

  it('shows times as dates in Beijing time: an item made at 06:50 Beijing time is on its Beijing day', () => {
    const early = byCode(codes.early);
    expect(early['提交时间']).toBeInstanceOf(Date);
    expect(shown(early['提交时间'])).toBe('2026-12-09 06:50');
    // Due at the end of its fifth working day, 23:59 local (15:59:59.999Z).
    expect(shown(early['办理期限'])).toBe('2026-12-16 23:59');
  });

  it('names kinds, statuses, phases, groups and units in Chinese, and holds the texts and the outcome', () => {
    expect(byCode(codes.early)).toMatchObject({ 阶段: '学习动员', 类型: '疑问', 来源: '意见箱表单', 单位: ownUnit.name, 承办: '第一督导组', 状态: '已交办', 标题: '清晨提交', 内容: '详见标题。', 是否超期: '是', 现场答复: '否' });
    const rated = byCode(codes.rated);
    expect(rated).toMatchObject({ 类型: '培训反馈', 状态: '已办结', 评价: '基本满意', 问题是否解决: '部分解决', 培训评分: 4, 内容: '案例贴近实际。\n建议多安排讨论。', 是否超期: '否' });
    // The public reply with its local time; never the internal note.
    expect(rated['公开答复']).toBe('【2026-12-09 10:00】感谢反馈，将增加讨论环节。');
    expect(shown(rated['首次答复时间'])).toBe('2026-12-09 10:00');
    expect(rated['办结时间']).toBeInstanceOf(Date);
    expect(JSON.stringify(rows)).not.toContain('内部：已核实');
    expect(byCode(codes.extended)).toMatchObject({ 类型: '问题反映', 延期: '已批准：2 个工作日（需协调多个部门）' });
    expect(shown(byCode(codes.urged)['催办时间'])).toBe('2026-12-22 10:00');
    expect(byCode(codes.office)).toMatchObject({ 单位: '', 承办: '领导小组办公室', 状态: '待分办', 办理期限: '', 是否超期: '否' });
    const spot = byCode(codes.spot);
    expect(spot).toMatchObject({ 来源: '会议记录', 培训场次: session, 现场答复: '是', 状态: '已办结', 公开答复: '【2026-12-09 10:00】计入，按实际时长认定。' });
    expect(byCode(codes.extended)['整改状态']).toBe('待整改（逾期）');
    for (const row of rows) if (row['跟踪码'] !== codes.extended) expect(row['整改状态']).toBe('');
  });

  it('carries no contact details', () => {
    const text = JSON.stringify(rows);
    for (const value of ['张三', 'zhangsan@example.com', '13800000000']) expect(text).not.toContain(value);
  });

  for (const filter of ['sessionCode=SESSION', 'urged=true', 'status=closed', 'kind=feedback', `groupId=${OWN}&status=assigned`, 'overdue=true', 'q=%E6%B8%85%E6%99%A8']) {
    it(`takes the filters of GET /api/items: ${filter}`, async () => {
      env.clock.set(later);
      const query = filter.replace('SESSION', session);
      const r = await download(query);
      expect(r.status).toBe(200);
      const filtered = await rowsOf(r.bytes);
      const expected = await listed(query);
      expect(filtered.map((row) => row['跟踪码'])).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
    });
  }
});

describe('who may have it', () => {
  it('the office and leaders; a responder 403, no token 401, an unknown filter 400, each a problem without the sheet', async () => {
    env.clock.set(later);
    const leader = await download('', 'leader');
    expect(leader.status).toBe(200);
    expect((await rowsOf(leader.bytes)).map((r) => r['跟踪码'])).toEqual(rows.map((r) => r['跟踪码']));
    const refused = [
      [await download('', 'own'), 403],
      [await download('colour=red'), 400],
      [await (async () => {
        const r = await fetch(`${env.stack.url}/api/exports/items.xlsx`);
        return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
      })(), 401],
    ] as const;
    for (const [got, status] of refused) {
      expect(got.status).toBe(status);
      expect(got.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(got.bytes.toString('utf8')).not.toMatch(leakPattern);
    }
  });
});

// Last: it adds items the tests above do not expect.
describe("a session's sheet", () => {
  it('holds for each of its items the very row of the whole sheet: body, replies, extension, rectification (read from gsi8, not the item)', async () => {
    env.clock.set(new Date('2026-12-10T02:00:00.000Z'));
    const made = await as('office').post('/api/sessions', { title: '导出培训会（二）', startsAt: '2026-12-10T01:00:00.000Z', groupId: OWN });
    expect(made.status, made.text).toBe(201);
    const code = made.json.code as string;
    const recorded = await as('office').post(`/api/sessions/${code}/records`, {
      entries: [
        { kind: 'question', title: '资料下发', body: '能否提前下发？', answer: '下周起提前下发。', unitId: ownUnit.id },
        { kind: 'problem', title: '窗口无人', body: '午休时间无人值守。', unitId: ownUnit.id },
      ],
    });
    expect(recorded.status, recorded.text).toBe(201);
    const [answered, problem] = recorded.json.items.map((i: { trackingCode: string }) => i.trackingCode) as string[];
    const before = await as('office').get(`/api/items/${problem}`);
    expect((await as('own').post(`/api/items/${problem}/extension`, { workingDays: 3, reason: '需现场核实' }, before.json.version)).status).toBe(201);
    expect((await as('office').post(`/api/items/${problem}/extension/decision`, { approve: false })).status).toBe(200);
    const planned = await as('office').get(`/api/items/${problem}`);
    const plan = await env.http.call('PUT', `/api/items/${problem}/rectification`, {
      body: { unitId: ownUnit.id, measures: '安排轮班。', standard: '午休有人值守。', deadline: '2026-12-30' },
      headers: { authorization: `Bearer ${env.tokens.office}`, 'if-match': `"${planned.json.version}"` },
    });
    expect(plan.status, plan.text).toBe(200);
    // The answer given on the spot is kept on its item (its first event); a reply given later is an event row of its own.
    expect((await as('own').post(`/api/items/${problem}/replies`, { body: '已派人核实。', visibility: 'public' })).status).toBe(201);

    env.clock.set(later);
    const whole = await rowsOf((await download()).bytes);
    const own = await rowsOf((await download(`sessionCode=${code}`)).bytes);
    // Recorded at the same instant: in the order of their codes.
    expect(own.map((r) => r['跟踪码'])).toEqual([problem, answered].sort().reverse());
    for (const row of own) expect(row).toEqual(whole.find((r) => r['跟踪码'] === row['跟踪码']));
    const [ownAnswered, ownProblem] = [answered, problem].map((c) => own.find((r) => r['跟踪码'] === c));
    expect(ownAnswered).toMatchObject({ 公开答复: '【2026-12-10 10:00】下周起提前下发。', 现场答复: '是' });
    expect(ownProblem).toMatchObject({ 内容: '午休时间无人值守。', 公开答复: '【2026-12-10 10:00】已派人核实。', 延期: '未批准：3 个工作日（需现场核实）', 整改状态: '待整改' });
  });
});
