import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { answersRevisionKey } from '../../shared/data/keys';
import { maxPublishedAnswers } from '../../shared/data/published-answers';
import { leakPattern, useTestStack, type ApiResponse as Response } from '../support/stack';
import { OTHER, OWN, ownUnit, people, type Person } from '../support/staff-people';

/**
 * Answers everyone may read (API.md v2, "Answers everyone may read (答复公开)") through HTTP on the
 * local stack: the office publishes its rewrite of an answered item; everyone lists, searches and
 * finds it as similar to a paraphrased question; a withdrawal removes it from both public
 * endpoints at once; nothing of the item but the rewrite (no contact, notes, names, original text,
 * tracking code) ever reaches them. The demo's published answers are there too: every check names
 * this file's own answers.
 */
const files = useTestStack();
const tokens: Partial<Record<Person, string>> = {};
const http = { get: (path: string) => files.http.get(path), post: (path: string, body: unknown) => files.http.post(path, body), call: (...args: Parameters<typeof files.http.call>) => files.http.call(...args) };

const as = (who: Person) => {
  const auth = (version?: number) => ({ authorization: `Bearer ${tokens[who]}`, ...(version !== undefined ? { 'if-match': `"${version}"` } : {}) });
  return {
    get: (path: string) => http.call('GET', path, { headers: auth() }),
    post: (path: string, body: unknown, version?: number) => http.call('POST', path, { body, headers: auth(version) }),
    delete: (path: string, version?: number) => http.call('DELETE', path, { headers: auth(version) }),
  };
};

const expectProblem = (response: Response, status: number) => {
  expect(response.status, response.text.slice(0, 300)).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.text).not.toMatch(leakPattern);
};

/** Private details the submitter and staff put on the item: none may reach a public answer. */
const contact = { name: '钱保密', email: 'qian.secret@example.com', phone: '13912345678' };
const noteText = '内部备注：此事涉及某科长，暂不对外';
const originalBody = '我家住在和平里小区三号楼，楼里老人多，申请加装电梯的材料交给街道两个多月了一直没有消息。';

interface Published {
  code: string;
  publicId: string;
}

/** An answered item of OWN (a public reply by the group, an internal note), with contact details. */
const answeredItem = async (title: string, body = originalBody, kind = 'question') => {
  const receipt = await http.post('/api/submissions', { kind, title, body, unitId: ownUnit.id, anonymous: false, contact });
  expect(receipt.status, receipt.text).toBe(201);
  const code = receipt.json.trackingCode as string;
  expect((await as('own').post(`/api/items/${code}/replies`, { body: noteText, visibility: 'internal' })).status).toBe(201);
  expect((await as('own').post(`/api/items/${code}/replies`, { body: '已转住建部门，20 个工作日内办结。', visibility: 'public' })).status).toBe(201);
  return code;
};

const version = async (code: string) => (await as('office').get(`/api/items/${code}`)).json.version as number;

const publish = async (code: string, publication: { title: string; question: string; answer: string }): Promise<Published> => {
  const r = await as('office').post(`/api/items/${code}/publication`, publication, await version(code));
  expect(r.status, r.text).toBe(201);
  return { code, publicId: r.json.publication.id };
};

const elevator = {
  title: '老旧小区加装电梯审批要多久',
  question: '小区申请加装电梯，材料交给街道后多长时间能审批下来？',
  answer: '加装电梯由街道受理、住建部门联合审查，材料齐全的 20 个工作日内办结，进度可在政务服务网查询。',
};

const publicKeys = ['answer', 'id', 'kind', 'publishedAt', 'question', 'title'];

/** Every private thing of the file's items, and what never goes out (staff names, tracking codes). */
const privateStrings = (codes: string[]) => [contact.name, contact.email, contact.phone, noteText, originalBody, people.office.name, people.own.name, people.office.sub, ...codes];

const expectNothingPrivate = (response: Response, codes: string[]) => {
  for (const secret of privateStrings(codes)) expect(response.text, secret).not.toContain(secret);
};

beforeAll(async () => {
  for (const who of Object.keys(people) as Person[]) tokens[who] = await files.stack.issuer.issue(people[who]);
});

describe('publishing an answer', () => {
  it('the office publishes its rewrite of an answered item: 201, the item shows it, the history records it', async () => {
    const code = await answeredItem('和平里小区加装电梯');
    const before = await version(code);
    const r = await as('office').post(`/api/items/${code}/publication`, elevator, before);
    expect(r.status, r.text).toBe(201);
    expect(r.headers.get('etag')).toBe(`"${before + 1}"`);
    expect(r.json.status).toBe('answered');
    expect(r.json.publication).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/), ...elevator, publishedAt: expect.any(String), publishedBy: { sub: people.office.sub, name: people.office.name } });
    expect(r.json.history.at(-1)).toMatchObject({ action: 'publish', by: { name: people.office.name }, note: elevator.title });
    // The group sees the publication on its item too.
    expect((await as('own').get(`/api/items/${code}`)).json.publication.id).toBe(r.json.publication.id);

    // Publishing again replaces the text under the same public id.
    const again = await as('office').post(`/api/items/${code}/publication`, { ...elevator, answer: `${elevator.answer}（更新）` }, before + 1);
    expect(again.status, again.text).toBe(201);
    expect(again.json.publication.id).toBe(r.json.publication.id);
    expect(again.json.history.at(-1).action).toBe('republish');
    const listed = (await http.get('/api/public/answers?limit=100')).json.answers.filter((a: { id: string }) => a.id === r.json.publication.id);
    expect(listed).toHaveLength(1);
    expect(listed[0].answer).toBe(`${elevator.answer}（更新）`);
  });

  it('refuses what does not fit: no answer yet 409, stale 412, bad input 400, unknown 404; nothing changes', async () => {
    const open = await http.post('/api/submissions', { kind: 'question', title: '尚未答复', body: '内容', unitId: ownUnit.id, anonymous: true });
    const code = open.json.trackingCode as string;
    expectProblem(await as('office').post(`/api/items/${code}/publication`, elevator), 409);
    expectProblem(await as('office').delete(`/api/items/${code}/publication`), 409);
    const answered = await answeredItem('待公开的答复');
    const v = await version(answered);
    expectProblem(await as('office').post(`/api/items/${answered}/publication`, elevator, v - 1), 412);
    expectProblem(await as('office').delete(`/api/items/${answered}/publication`, v - 1), 412);
    for (const body of [
      { ...elevator, title: '' },
      { ...elevator, title: '长'.repeat(121) },
      { ...elevator, question: '问'.repeat(2001) },
      { ...elevator, answer: '   ' },
      { title: elevator.title, question: elevator.question },
      { ...elevator, trackingCode: code },
    ]) {
      const r = await as('office').post(`/api/items/${answered}/publication`, body, v);
      expectProblem(r, 400);
      expect(r.json.errors.length).toBeGreaterThan(0);
    }
    expectProblem(await as('office').post('/api/items/YJ-0000-0000/publication', elevator), 404);
    const after = (await as('office').get(`/api/items/${answered}`)).json;
    expect(after.version).toBe(v);
    expect(after.publication).toBeUndefined();
  });

  it('refuses a first publication beyond the most allowed (409), writing nothing; a republication still passes', async () => {
    const { client, tableName } = files.stack.deps.db;
    const revision = async () => (await client.send(new GetCommand({ TableName: tableName, Key: answersRevisionKey, ConsistentRead: true }))).Item!;
    const already = await publish(await answeredItem('已公开的一条'), { ...elevator, title: '上限测试：已公开' });
    const code = await answeredItem('上限测试');
    const before = await revision();
    // As if the campaign had published as many as it may (the count the publications keep).
    await client.send(new UpdateCommand({ TableName: tableName, Key: answersRevisionKey, UpdateExpression: 'SET #c = :max', ExpressionAttributeNames: { '#c': 'count' }, ExpressionAttributeValues: { ':max': maxPublishedAnswers } }));
    try {
      const v = await version(code);
      const r = await as('office').post(`/api/items/${code}/publication`, { ...elevator, title: '上限测试：不应公开' }, v);
      expectProblem(r, 409);
      expect(r.json.detail).toContain(String(maxPublishedAnswers));
      const after = (await as('office').get(`/api/items/${code}`)).json;
      expect(after.version).toBe(v);
      expect(after.publication).toBeUndefined();
      expect((await revision()).revision).toBe(before.revision);
      expect((await http.get('/api/public/answers?limit=100')).json.answers.map((a: { title: string }) => a.title)).not.toContain('上限测试：不应公开');
      // Publishing an answer again adds none: allowed at the limit.
      const again = await as('office').post(`/api/items/${already.code}/publication`, { ...elevator, title: '上限测试：已公开（改）' });
      expect(again.status, again.text).toBe(201);
    } finally {
      await client.send(new UpdateCommand({ TableName: tableName, Key: answersRevisionKey, UpdateExpression: 'SET #c = :n', ExpressionAttributeNames: { '#c': 'count' }, ExpressionAttributeValues: { ':n': before.count } }));
    }
  });

  it('is the office’s alone: the item’s group and leaders 403, another group 404', async () => {
    const code = await answeredItem('角色测试');
    expectProblem(await as('own').post(`/api/items/${code}/publication`, elevator), 403);
    expectProblem(await as('leader').post(`/api/items/${code}/publication`, elevator), 403);
    expectProblem(await as('other').post(`/api/items/${code}/publication`, elevator), 404);
    await publish(code, { ...elevator, title: '角色测试的公开答复' });
    expectProblem(await as('own').delete(`/api/items/${code}/publication`), 403);
    expectProblem(await as('leader').delete(`/api/items/${code}/publication`), 403);
    expectProblem(await as('other').delete(`/api/items/${code}/publication`), 404);
    expect((await as('office').get(`/api/items/${code}`)).json.publication.title).toBe('角色测试的公开答复');
    expect(OTHER).not.toBe(OWN);
  });
});

describe('reading published answers', () => {
  const mine: Published[] = [];
  const topics = [
    { title: '社保卡丢了去哪里补办', question: '社保卡丢失后到哪里补办，多久能拿到？', answer: '可到任一合作银行网点或社保服务大厅补办，即时制卡网点当场领取。', kind: 'question' },
    { title: '建议延长图书馆夜间开放', question: '图书馆晚上关门太早，能否延长开放？', answer: '自下月起周五、周六延长至晚上八点半。', kind: 'suggestion' },
    { title: '公园健身器材损坏', question: '公园里的健身器材坏了有安全隐患。', answer: '损坏器材已停用，两周内更换。', kind: 'problem' },
  ];

  beforeAll(async () => {
    mine.push(await publish(await answeredItem('另一条加装电梯'), { ...elevator, title: '加装电梯的审批时限' }));
    for (const t of topics) mine.push(await publish(await answeredItem(t.title, `${originalBody}${t.title}`, t.kind), { title: t.title, question: t.question, answer: t.answer }));
  });

  it('lists them newest first, with the rewrite and nothing else, paged by cursor', async () => {
    const seen: { id: string; publishedAt: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await http.get(`/api/public/answers?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status, r.text).toBe(200);
      expect(r.json.answers.length).toBeLessThanOrEqual(2);
      for (const a of r.json.answers) expect(Object.keys(a).sort()).toEqual(publicKeys);
      expectNothingPrivate(r, mine.map((m) => m.code));
      seen.push(...r.json.answers);
      cursor = r.json.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(cursor).toBeUndefined();
    const ids = seen.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of mine) expect(ids).toContain(m.publicId);
    const times = seen.map((a) => a.publishedAt);
    expect(times).toEqual([...times].sort().reverse());
    // The same set in one page.
    expect((await http.get('/api/public/answers?limit=100')).json.answers.map((a: { id: string }) => a.id)).toEqual(ids);
  });

  it('filters by kind and searches with q', async () => {
    const problems = (await http.get('/api/public/answers?kind=problem&limit=100')).json.answers as { id: string; kind: string }[];
    expect(problems.every((a) => a.kind === 'problem')).toBe(true);
    expect(problems.map((a) => a.id)).toContain(mine[3]!.publicId);
    expect(problems.map((a) => a.id)).not.toContain(mine[1]!.publicId);

    const found = await http.get(`/api/public/answers?q=${encodeURIComponent('社保卡补办')}`);
    expect(found.status, found.text).toBe(200);
    expect(found.json.answers[0].id).toBe(mine[1]!.publicId);
    expect(found.json.answers.map((a: { id: string }) => a.id)).not.toContain(mine[3]!.publicId);
    const ofKind = await http.get(`/api/public/answers?kind=suggestion&q=${encodeURIComponent('社保卡补办')}`);
    expect(ofKind.json.answers.map((a: { id: string }) => a.id)).not.toContain(mine[1]!.publicId);
    // A ranked search pages too.
    const first = await http.get(`/api/public/answers?limit=1&q=${encodeURIComponent('加装电梯')}`);
    expect(first.json.answers).toHaveLength(1);
    const second = await http.get(`/api/public/answers?limit=1&q=${encodeURIComponent('加装电梯')}&cursor=${encodeURIComponent(first.json.nextCursor)}`);
    expect(second.status, second.text).toBe(200);
    // Two elevator answers (the first test's and this one's): one per page, both found.
    expect(second.json.answers).toHaveLength(1);
    expect(second.json.answers[0].id).not.toBe(first.json.answers[0].id);
    expect([first.json.answers[0].id, second.json.answers[0].id]).toContain(mine[0]!.publicId);
  });

  it('finds the right answer for a paraphrased Chinese question (similar), with scores in 0..1, best first', async () => {
    const r = await http.get(`/api/public/answers/similar?text=${encodeURIComponent('补办丢失的社保卡要去哪')}`);
    expect(r.status, r.text).toBe(200);
    expect(r.json.answers.length).toBeGreaterThan(0);
    expect(r.json.answers.length).toBeLessThanOrEqual(5);
    expect(r.json.answers[0]).toMatchObject({ id: mine[1]!.publicId, title: topics[0]!.title });
    const scores = r.json.answers.map((a: { score: number }) => a.score);
    for (const s of scores) expect(s > 0 && s <= 1).toBe(true);
    expect(scores).toEqual([...scores].sort((a: number, b: number) => b - a));
    for (const a of r.json.answers) expect(Object.keys(a).sort()).toEqual([...publicKeys, 'score'].sort());
    expectNothingPrivate(r, mine.map((m) => m.code));

    const park = await http.get(`/api/public/answers/similar?text=${encodeURIComponent('公园里锻炼的器械坏了')}`);
    expect(park.json.answers[0].id).toBe(mine[3]!.publicId);
  });

  it('refuses bad public input with 400: too short or long a text, an unknown kind or field, a made-up cursor', async () => {
    for (const path of [
      '/api/public/answers/similar?text=a',
      `/api/public/answers/similar?text=${'长'.repeat(501)}`,
      '/api/public/answers/similar',
      '/api/public/answers?kind=gossip',
      '/api/public/answers?limit=0',
      '/api/public/answers?cursor=bm9wZQ',
      `/api/public/answers?q=x&cursor=${encodeURIComponent(Buffer.from(JSON.stringify({ v: 1, p: 'zz' })).toString('base64url'))}`,
      '/api/public/answers?name=1',
    ]) {
      const r = await http.get(path);
      expectProblem(r, 400);
    }
  });

  it('a withdrawal removes it from the list, the search and similar at once; the history records it', async () => {
    const target = mine[2]!;
    const before = await version(target.code);
    const r = await as('office').delete(`/api/items/${target.code}/publication`, before);
    expect(r.status, r.text).toBe(200);
    expect(r.json.publication).toBeUndefined();
    expect(r.json.history.at(-1)).toMatchObject({ action: 'withdraw', by: { name: people.office.name }, note: topics[1]!.title });
    const listed = (await http.get('/api/public/answers?limit=100')).json.answers.map((a: { id: string }) => a.id);
    expect(listed).not.toContain(target.publicId);
    expect(listed).toContain(mine[1]!.publicId);
    const searched = (await http.get(`/api/public/answers?q=${encodeURIComponent('图书馆夜间开放')}`)).json.answers.map((a: { id: string }) => a.id);
    expect(searched).not.toContain(target.publicId);
    const similar = (await http.get(`/api/public/answers/similar?text=${encodeURIComponent('图书馆能不能晚点关门')}`)).json.answers.map((a: { id: string }) => a.id);
    expect(similar).not.toContain(target.publicId);
    // Withdrawn once; the second time there is nothing to withdraw.
    expectProblem(await as('office').delete(`/api/items/${target.code}/publication`), 409);
  });
});
