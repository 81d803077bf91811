/**
 * The cold-start events of bench/functions.ts: for every route handler one real request that
 * succeeds on the bench's table, keyed by handler name. The fixtures they need are made before the
 * rounds; a handler that changes state so that the same call would fail the second time (rating an
 * item, asking for an extension, editing a session at a version, redriving or discarding a kept
 * notice) gets a fixture of its own per run (run -1 is the unmeasured first start). The four functions
 * whose unfiltered answer is whole-table work get a bounded request, and their whole-table one
 * apart (bench/bounded-work.ts).
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { keepNotice } from '../shared/data/kept-notices';
import { processDeps } from '../shared/deps';
import { challengePath, methodNotAllowedHandler, routes } from '../shared/routes';
import { keptNoticeId } from '../shared/services/kept-notices';
import { prepareBoundedWork, wholeTableHandlers, type WholeTableHandler } from './bounded-work';
import { apiEvent, submissionBody, type EventOptions } from './fixtures';
import { expectStatus, submit, type Desk, type Receipt } from './scale';

/** What a handler answers when it succeeds, where that is not a 2xx: the 405 handler's whole job. */
export const expectedStatus: Readonly<Record<string, number>> = { [methodNotAllowedHandler]: 405, 'get-submission-attachment': 302, 'get-item-attachment': 302 };

type EventBuilder = (run: number) => object;

/** One fixture per run, from run -1 (the unmeasured start) to runs - 1, made one after another. */
const perRun = async <T>(runs: number, make: () => Promise<T>): Promise<Map<number, T>> => {
  const made = new Map<number, T>();
  for (let run = -1; run < runs; run++) made.set(run, await make());
  return made;
};

export interface PreparedEvents {
  /** Each route handler's event for a run, by handler name (bounded work for the whole-table four). */
  readonly events: Record<string, EventBuilder>;
  /** The whole-table four's unfiltered requests, by handler name. */
  readonly wholeTable: Readonly<Record<string, EventBuilder>>;
  /** What those unfiltered answers hold now, by handler name ("whole table: 812 items"). */
  readonly wholeTableSizes: () => Promise<Record<WholeTableHandler, string>>;
}

/** Makes the fixtures, and checks that the bounded requests find theirs. */
export const prepareEvents = async (desk: Desk, officeClaims: Record<string, string>, runs: number): Promise<PreparedEvents> => {
  const { http, auth } = desk;
  const staff = { claims: officeClaims };
  const at = (handler: string, path: string, pathParameters?: Record<string, string>): EventOptions => {
    const r = routes.find((x) => x.handler === handler)!;
    return { method: r.method, route: r.path, path, ...(pathParameters ? { pathParameters } : {}) };
  };
  const byCode = (handler: string, path: string, item: Receipt) => at(handler, path.replace('{}', item.trackingCode), { trackingCode: item.trackingCode });
  const byId = (handler: string, path: string, code: string) => at(handler, path.replace('{}', code), { id: code });
  const bySession = (handler: string, path: string, code: string) => at(handler, path.replace('{}', code), { code });

  const tracked = await submit(desk);
  const staffItem = await submit(desk);
  const practice = await submit(desk, { ...submissionBody('u20'), kind: 'practice', title: '推广“周五夜学”经验' });
  const reply = (item: Receipt) => expectStatus('reply', http.post(`/api/items/${item.trackingCode}/replies`, { body: '已安排线上回放，请关注通知。', visibility: 'public' }, auth), 201);
  const assign = (item: { trackingCode: string }) => expectStatus('assign', http.post(`/api/items/${item.trackingCode}/assign`, { groupId: 'g1' }, auth), 200);
  const extension = { workingDays: 3, reason: '需协调两家单位共同答复' };
  // Rating needs an answered item and answers once; an extension needs a routed item (a due date)
  // and no request waiting; a decision needs a request waiting.
  const answered = await perRun(runs, async () => {
    const item = await submit(desk);
    await reply(item);
    return item;
  });
  const routed = await perRun(runs, async () => {
    const item = await submit(desk);
    await assign(item);
    return item;
  });
  const asked = await perRun(runs, async () => {
    const item = await submit(desk);
    await assign(item);
    await expectStatus('extension', http.post(`/api/items/${item.trackingCode}/extension`, extension, auth), 201);
    return item;
  });

  // A publication is made again at will (the same public id); a withdrawal needs a published item per run.
  const publication = { title: '集中学习时间可以自行安排', question: '集中学习能否调整到其他时间？', answer: '由各单位党组织根据工作安排确定，报办公室备案。' };
  const publish = async (item: Receipt) => {
    await reply(item);
    await expectStatus('publish', http.post(`/api/items/${item.trackingCode}/publication`, publication, auth), 201);
    return item;
  };
  const publishable = await publish(await submit(desk));
  const published = await perRun(runs, async () => publish(await submit(desk)));
  // Rectification: a plan is made at a version (If-Match), so one item of its own per run; a
  // verification needs a rectification handed over (done), once, so one per run too.
  const plan = { unitId: 'u20', measures: '建立周五夜学制度并公示。', standard: '制度印发并执行满一个月。', deadline: '2099-12-31' };
  const planFor = async <T extends { trackingCode: string }>(item: T, body = plan) => {
    await assign(item);
    const version = (await expectStatus('item', http.get(`/api/items/${item.trackingCode}`, auth), 200)).json<{ version: number }>().version;
    await expectStatus('plan', http.call('PUT', `/api/items/${item.trackingCode}/rectification`, { body: JSON.stringify(body), headers: { ...auth, 'if-match': `"${version}"` } }), 200);
    return { item, version: version + 1 };
  };
  const planned = async () => planFor(await submit(desk));
  const toPlan = await perRun(runs, async () => {
    const item = await submit(desk);
    await assign(item);
    return item;
  });
  const reporting = await planned();
  const handedOver = await perRun(runs, async () => {
    const { item } = await planned();
    await expectStatus('done', http.post(`/api/items/${item.trackingCode}/rectification/progress`, { note: '已整改完毕。', done: true }, auth), 201);
    return item;
  });

  const newSession = async () => (await expectStatus('session', http.post('/api/sessions', { title: '基准培训会', startsAt: new Date().toISOString() }, auth), 201)).json<{ code: string; joinKey: string }>();
  const session = await newSession();
  const record = { kind: 'question', title: '会上提问', body: '培训中提出的问题，请研究答复。', answer: '当场已作解答。' };
  await expectStatus('records', http.post(`/api/sessions/${session.code}/records`, { entries: [record, { ...record, answer: undefined }] }, auth), 201);
  await expectStatus('session rating', http.post(`/api/public/sessions/${session.code}/ratings`, { score: 4 }, { 'x-session-key': session.joinKey }), 201);
  // An edit is made at a version (If-Match): a session of its own per run, at version 1.
  const editable = await perRun(runs, newSession);

  // A kept notice is what the notify worker leaves after failed sends; made here through the data
  // layer (no mail fails on the bench). No item behind it: nothing else the bench reads changes.
  const keptNotice = async () => {
    const dedupKey = `YJ-BNCH-${randomBytes(4).toString('hex').toUpperCase()}#1#assigned`;
    await keepNotice(processDeps(), dedupKey, { to: ['bench@example.com'], subject: '基准', text: '基准' }, 'MessageRejected', new Date());
    return keptNoticeId(dedupKey);
  };
  await keptNotice(); // so the list has one even after the runs' notices are gone
  const redriven = await perRun(runs, keptNotice);
  const discarded = await perRun(runs, keptNotice);

  const directoryDocument = (await expectStatus('directory', http.get('/api/admin/directory', auth), 200)).json<{ holidays: string[]; campaign: { timezone: string } }>();
  const bounded = await prepareBoundedWork(desk, directoryDocument.campaign.timezone, (trackingCode, unitId) => planFor({ trackingCode }, { ...plan, unitId }));
  await bounded.check();
  // A real change each time (a holiday far ahead, on and off): an unchanged directory is answered
  // at once, a changed one after the other functions' directory caches expire.
  const directoryToggled = (run: number) => ({
    ...directoryDocument,
    holidays: (run + 1) % 2 === 0 ? directoryDocument.holidays : [...directoryDocument.holidays, '2099-12-31'],
  });
  const submitter = (item: Receipt) => ({ 'x-access-key': item.accessKey });

  // An item with a photo attached (uploaded through its presigned POST), for the two download routes.
  const photo = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#c04020' } }).jpeg().toBuffer();
  const upload = (await expectStatus('attachment', http.post('/api/attachments', { fileName: '现场.jpg', contentType: 'image/jpeg', size: photo.length }, auth), 201)).json<{
    id: string;
    upload: { url: string; fields: Record<string, string> };
  }>();
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.upload.fields)) form.append(name, value);
  form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
  const stored = await fetch(upload.upload.url, { method: 'POST', body: form });
  if (stored.status !== 204) throw new Error(`bench: the photo's upload answered ${stored.status}`);
  const withPhoto = await submit(desk, { ...submissionBody(), attachmentIds: [upload.id] });
  const byAttachment = (handler: string, path: string, params: Record<string, string>) => at(handler, path, { ...params, attachmentId: upload.id });

  const events: Record<string, (run: number) => EventOptions> = {
    'get-form': () => at('get-form', '/api/form'),
    'get-openapi': () => at('get-openapi', '/api/openapi.json'),
    'get-challenge': () => at('get-challenge', challengePath),
    'create-submission': () => ({ ...at('create-submission', '/api/submissions'), body: submissionBody() }),
    'get-submission': () => ({ ...byCode('get-submission', '/api/submissions/{}', tracked), headers: submitter(tracked) }),
    'create-follow-up': () => ({ ...byCode('create-follow-up', '/api/submissions/{}/follow-ups', tracked), headers: submitter(tracked), body: { body: '补充一点：周末值班的同志较多。' } }),
    'rate-submission': (run) => {
      const item = answered.get(run)!;
      return { ...byCode('rate-submission', '/api/submissions/{}/rating', item), headers: submitter(item), body: { satisfaction: 'satisfied' } };
    },
    'list-items': () => ({ ...at('list-items', '/api/items'), ...staff }),
    'get-item': () => ({ ...byId('get-item', '/api/items/{}', staffItem.trackingCode), ...staff }),
    'assign-item': () => ({ ...byId('assign-item', '/api/items/{}/assign', staffItem.trackingCode), body: { groupId: 'g1' }, ...staff }),
    'create-reply': () => ({ ...byId('create-reply', '/api/items/{}/replies', staffItem.trackingCode), body: { body: '内部备注：已联系单位。', visibility: 'internal' }, ...staff }),
    'transition-item': (run) => ({ ...byId('transition-item', '/api/items/{}/transition', practice.trackingCode), body: { action: run % 2 === 0 ? 'recommend' : 'unrecommend' }, ...staff }),
    'request-extension': (run) => ({ ...byId('request-extension', '/api/items/{}/extension', routed.get(run)!.trackingCode), body: extension, ...staff }),
    'decide-extension': (run) => ({ ...byId('decide-extension', '/api/items/{}/extension/decision', asked.get(run)!.trackingCode), body: { approve: true, note: '同意' }, ...staff }),
    'publish-answer': () => ({ ...byId('publish-answer', '/api/items/{}/publication', publishable.trackingCode), body: publication, ...staff }),
    'withdraw-answer': (run) => ({ ...byId('withdraw-answer', '/api/items/{}/publication', published.get(run)!.trackingCode), ...staff }),
    'list-public-answers': () => ({ ...at('list-public-answers', '/api/public/answers'), query: { q: '学习时间' } }),
    'similar-answers': () => ({ ...at('similar-answers', '/api/public/answers/similar'), query: { text: '学习能不能换个时间' } }),
    'put-rectification': (run) => ({ ...byId('put-rectification', '/api/items/{}/rectification', toPlan.get(run)!.trackingCode), headers: { 'if-match': '"2"' }, body: plan, ...staff }),
    'create-rectification-progress': () => ({ ...byId('create-rectification-progress', '/api/items/{}/rectification/progress', reporting.item.trackingCode), body: { note: '已召开专题会部署整改。' }, ...staff }),
    'verify-rectification': (run) => ({ ...byId('verify-rectification', '/api/items/{}/rectification/verification', handedOver.get(run)!.trackingCode), body: { outcome: 'verified', note: '经核查，整改到位，同意销号。' }, ...staff }),
    'list-rectifications': () => ({ ...at('list-rectifications', '/api/rectifications'), ...staff }),
    'get-dashboard': () => ({ ...at('get-dashboard', '/api/dashboard'), ...staff }),
    'list-practices': () => ({ ...at('list-practices', '/api/practices'), ...staff }),
    'get-directory': () => ({ ...at('get-directory', '/api/admin/directory'), ...staff }),
    'put-directory': (run) => ({ ...at('put-directory', '/api/admin/directory'), body: directoryToggled(run), ...staff }),
    'create-session': () => ({ ...at('create-session', '/api/sessions'), body: { title: '基准培训会', startsAt: new Date().toISOString() }, ...staff }),
    'list-sessions': () => ({ ...at('list-sessions', '/api/sessions'), ...staff }),
    'get-session': () => ({ ...bySession('get-session', '/api/sessions/{}', session.code), ...staff }),
    'update-session': (run) => ({ ...bySession('update-session', '/api/sessions/{}', editable.get(run)!.code), headers: { 'if-match': '"1"' }, body: { title: '基准培训会（改）' }, ...staff }),
    'get-public-session': () => ({ ...bySession('get-public-session', '/api/public/sessions/{}', session.code), headers: { 'x-session-key': session.joinKey } }),
    'rate-session': () => ({ ...bySession('rate-session', '/api/public/sessions/{}/ratings', session.code), headers: { 'x-session-key': session.joinKey }, body: { score: 5, comment: '讲得清楚' } }),
    'create-session-records': () => ({ ...bySession('create-session-records', '/api/sessions/{}/records', session.code), body: { entries: [record] }, ...staff }),
    'get-session-summary': () => ({ ...bySession('get-session-summary', '/api/sessions/{}/summary', session.code), ...staff }),
    'list-kept-notices': () => ({ ...at('list-kept-notices', '/api/admin/notices'), ...staff }),
    'redrive-kept-notice': (run) => ({ ...at('redrive-kept-notice', `/api/admin/notices/${redriven.get(run)!}/redrive`, { id: redriven.get(run)! }), ...staff }),
    'create-attachment': () => ({ ...at('create-attachment', '/api/attachments'), body: { fileName: '现场照片.jpg', contentType: 'image/jpeg', size: 480_000 } }),
    'get-submission-attachment': () => ({
      ...byAttachment('get-submission-attachment', `/api/submissions/${withPhoto.trackingCode}/attachments/${upload.id}`, { trackingCode: withPhoto.trackingCode }),
      headers: submitter(withPhoto),
    }),
    'get-item-attachment': () => ({ ...byAttachment('get-item-attachment', `/api/items/${withPhoto.trackingCode}/attachments/${upload.id}`, { id: withPhoto.trackingCode }), ...staff }),
    'discard-kept-notice': (run) => ({ ...at('discard-kept-notice', `/api/admin/notices/${discarded.get(run)!}`, { id: discarded.get(run)! }), ...staff }),
  };
  const wholeTable: Record<WholeTableHandler, EventOptions> = {
    'export-items': { ...at('export-items', '/api/exports/items.csv'), ...staff },
    'export-items-xlsx': { ...at('export-items-xlsx', '/api/exports/items.xlsx'), ...staff },
    'export-rectifications-xlsx': { ...at('export-rectifications-xlsx', '/api/exports/rectifications.xlsx'), ...staff },
    'get-report': { ...at('get-report', '/api/reports/summary'), ...staff },
  };
  for (const name of wholeTableHandlers) events[name] = () => ({ ...wholeTable[name], query: bounded.queries[name] });
  const built: Record<string, EventBuilder> = Object.fromEntries(Object.entries(events).map(([name, options]) => [name, (run: number) => apiEvent(options(run))]));
  // A known path asked with a method it does not answer: API Gateway's `ANY` route for the path.
  built[methodNotAllowedHandler] = () => {
    const event = apiEvent({ method: 'DELETE', route: '/api/form', path: '/api/form' });
    return { ...event, routeKey: 'ANY /api/form', requestContext: { ...event.requestContext, routeKey: 'ANY /api/form' } };
  };
  return {
    events: built,
    wholeTable: Object.fromEntries(wholeTableHandlers.map((name) => [name, () => apiEvent(wholeTable[name])])),
    wholeTableSizes: bounded.wholeTableSizes,
  };
};
