import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { createDeps } from '../../shared/deps';
import { ForbiddenError, InvalidInputError, NotFoundError, UnavailableError } from '../../shared/domain/errors';
import type { ItemRecord } from '../../shared/data/items';
import { newSessionCode } from '../../shared/domain/session-code';
import { allCountNames } from '../../shared/domain/counters';
import { useOwnTable } from '../support/own-table';

/**
 * The staff changes that need the directory (assign, decide an extension, plan a rectification,
 * record a meeting) read it beside the item (or the session) instead of before it, and the list of
 * sessions beside its page: one round trip less on a cold cache. What they answer stays in the order it had when the directory came first:
 * no directory is a 503 before anything about the item, a request the directory refutes (no such
 * group, no such unit) a 400 before the item's 404; the session's 404 and 403 still come first.
 * Nothing is written on any refusal. On a table of this file's own, with the cache off, so that
 * every call reads the directory.
 */
const tableName = useOwnTable('beside', { YIJIAN_DIRECTORY_CACHE_MS: '0' });
const deps = createDeps();
const office = { sub: 'office-1', name: '办公室', office: true, leader: false, groups: [], units: [] };
const group = { sub: 'resp-1', name: '第一督导组 张', office: false, leader: false, groups: ['g1'], units: [] };
const leader = { sub: 'leader-1', name: '领导 李', office: false, leader: true, groups: [], units: [] };

let services: {
  actions: typeof import('../../shared/services/item-actions');
  extensions: typeof import('../../shared/services/item-extensions');
  rectification: typeof import('../../shared/services/rectification');
  records: typeof import('../../shared/services/session-records');
  sessions: typeof import('../../shared/services/sessions');
};
let counters: typeof import('../../shared/data/counters');
let data: {
  items: typeof import('../../shared/data/items');
  sessions: typeof import('../../shared/data/sessions');
  directory: typeof import('../../shared/data/directory');
  middleware: typeof import('../../shared/data/middleware');
};

const at = '2026-12-07T02:00:00.000Z';
const storedItem = async (code: string): Promise<ItemRecord> => {
  const item: ItemRecord = {
    trackingCode: code,
    kind: 'question',
    title: '目录与事项同读',
    body: '请答复。',
    status: 'submitted',
    phase: demoDirectory.campaign.phases[0].id,
    createdAt: at,
    updatedAt: at,
    version: 1,
    accessKeyHash: 'x',
    anonymous: true,
    recommended: false,
  };
  await data.items.createItem(deps, item, { version: 1, at, action: 'submit', by: { type: 'submitter' }, to: 'submitted' });
  return item;
};
const tableRows = async () => (await deps.db.client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [];

const sessionCode = newSessionCode();
const known = 'YJ-AAAA-AAAA';
const unknown = 'YJ-BBBB-BBBB';
const malformed = 'not-a-code';
const target = (id: string) => ({ principal: office, id, ifMatch: undefined });
const plan = { unitId: demoDirectory.units[0].id, measures: '整改措施', standard: '整改标准', deadline: '2099-01-01' };

/** Each change as the office asks for it, on the item `id`; `bad` with a request the directory refutes. */
const changes = (id: string, bad = false) => ({
  assign: () => services.actions.assignItem(deps, target(id), { groupId: bad ? 'no-such-group' : demoDirectory.groups[0].id }),
  'decide-extension': () => services.extensions.decideExtension(deps, target(id), { approve: true }),
  'put-rectification': () => services.rectification.planRectification(deps, { ...target(id), ifMatch: 1 }, bad ? { ...plan, unitId: 'no-such-unit' } : plan),
});

beforeAll(async () => {
  const { ensureTable, localClient } = await import('../../local/table');
  await ensureTable(localClient(inject('dynamoEndpoint')), tableName);
  services = {
    actions: await import('../../shared/services/item-actions'),
    extensions: await import('../../shared/services/item-extensions'),
    rectification: await import('../../shared/services/rectification'),
    records: await import('../../shared/services/session-records'),
    sessions: await import('../../shared/services/sessions'),
  };
  data = {
    items: await import('../../shared/data/items'),
    sessions: await import('../../shared/data/sessions'),
    directory: await import('../../shared/data/directory'),
    middleware: await import('../../shared/data/middleware'),
  };
  counters = await import('../../shared/data/counters');
  await storedItem(known);
  await data.sessions.createSession(deps, {
    code: sessionCode,
    title: '培训',
    startsAt: at,
    phase: demoDirectory.campaign.phases[0].id,
    groupId: 'g2',
    unitIds: [],
    open: true,
    joinKey: 'k',
    createdAt: at,
    updatedAt: at,
    createdBy: { sub: office.sub, name: office.name },
    version: 1,
  });
});

/** What `run` asks DynamoDB, in order: each request as it goes out and as its answer comes back. */
const requestsOf = async <T>(run: () => Promise<T>): Promise<{ log: string[]; result: T }> => {
  const log: string[] = [];
  const remove = data.middleware.intercept(deps.db.client, async (operation, input, next) => {
    log.push(`send ${operation}`);
    const output = await next(input);
    log.push(`done ${operation}`);
    return output;
  });
  try {
    return { log, result: await run() };
  } finally {
    remove();
  }
};

const record = { entries: [{ kind: 'question' as const, title: '会上提问', body: '请答复。' }] };

describe('before the office has loaded a directory', () => {
  it('every change that needs it is a 503 first, on a stored item, an unknown one and an id that cannot be one; nothing is written', async () => {
    const before = await tableRows();
    for (const id of [known, unknown, malformed]) {
      for (const [name, change] of Object.entries(changes(id))) await expect(change(), `${name} ${id}`).rejects.toBeInstanceOf(UnavailableError);
    }
    expect(await tableRows()).toEqual(before);
  });

  it('meeting records: an unknown session is still a 404 and a session the recorder may not edit a 403; a session they may, a 503; nothing is written', async () => {
    const before = await tableRows();
    await expect(services.records.recordSession(deps, office, newSessionCode(), record)).rejects.toBeInstanceOf(NotFoundError);
    await expect(services.records.recordSession(deps, group, sessionCode, record)).rejects.toBeInstanceOf(NotFoundError);
    await expect(services.records.recordSession(deps, leader, sessionCode, record)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(services.records.recordSession(deps, { ...group, groups: ['g2'] }, sessionCode, record)).rejects.toBeInstanceOf(UnavailableError);
    await expect(services.records.recordSession(deps, office, sessionCode, record)).rejects.toBeInstanceOf(UnavailableError);
    expect(await tableRows()).toEqual(before);
  });

  it('the list of sessions is a 503, with and without dates; asking for another group’s still a 403', async () => {
    await expect(services.sessions.sessionsForPrincipal(deps, office, { limit: 25 }, undefined)).rejects.toBeInstanceOf(UnavailableError);
    await expect(services.sessions.sessionsForPrincipal(deps, office, { limit: 25, from: '2026-12-01' }, undefined)).rejects.toBeInstanceOf(UnavailableError);
    await expect(services.sessions.sessionsForPrincipal(deps, group, { limit: 25, groupId: 'g2' }, undefined)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe('with the directory', () => {
  beforeAll(async () => {
    await data.directory.putDirectory(deps, demoDirectory);
  });

  it('a request the directory refutes is a 400 before the item is looked at; a sound one on an unknown item a 404; nothing is written', async () => {
    const before = await tableRows();
    for (const id of [known, unknown, malformed]) {
      await expect(changes(id, true).assign(), `assign ${id}`).rejects.toBeInstanceOf(InvalidInputError);
      await expect(changes(id, true)['put-rectification'](), `put-rectification ${id}`).rejects.toBeInstanceOf(InvalidInputError);
    }
    for (const id of [unknown, malformed]) {
      for (const [name, change] of Object.entries(changes(id))) await expect(change(), `${name} ${id}`).rejects.toBeInstanceOf(NotFoundError);
    }
    expect(await tableRows()).toEqual(before);
  });

  it('an assignment sends the directory read and the item read before either has answered, then its one transaction', async () => {
    const code = 'YJ-CCCC-CCCC';
    await storedItem(code);
    const { log, result } = await requestsOf(changes(code).assign);
    expect(result).toMatchObject({ status: 'assigned', groupId: demoDirectory.groups[0].id, version: 2 });
    expect(log.slice(0, 2).sort()).toEqual(['send GetItem', 'send Query']);
    expect(log.slice(4)).toEqual(['send TransactWriteItems', 'done TransactWriteItems']);
  });

  it('a directory PUT reads the stored one and the counters\' layout in one request, then writes; a refused one writes nothing', async () => {
    const { replaceDirectory } = await import('../../shared/services/directory-admin');
    const before = await tableRows();
    const refused = await requestsOf(() => replaceDirectory(deps, office, { ...demoDirectory, units: 'none' }).catch((error: unknown) => error));
    expect(refused.result).toBeInstanceOf(InvalidInputError);
    // (Its answer may come after the 400: the read was sent before the document was checked.)
    expect(refused.log.filter((entry) => entry.startsWith('send'))).toEqual(['send BatchGetItem']);
    expect(await tableRows()).toEqual(before);

    // A new unit: its counter slots first, then the directory, with no read in between.
    const withUnit = { ...demoDirectory, units: [...demoDirectory.units, { ...demoDirectory.units[0]!, id: 'u-beside', name: '新增单位' }] };
    const added = await requestsOf(() => replaceDirectory(deps, office, withUnit));
    expect(added.result.units.map((u) => u.id)).toContain('u-beside');
    expect(added.log).toEqual(['send BatchGetItem', 'done BatchGetItem', 'send PutItem', 'done PutItem', 'send PutItem', 'done PutItem']);
    const { stored, layout } = await data.directory.getDirectoryAndLayout(deps);
    expect(stored?.document.units.map((u) => u.id)).toContain('u-beside');
    expect(layout.item?.slots).toEqual(expect.arrayContaining(allCountNames(['u-beside'])));
    // Without a new unit: the directory's write alone.
    const back = await requestsOf(() => replaceDirectory(deps, office, demoDirectory));
    expect(back.log).toEqual(['send BatchGetItem', 'done BatchGetItem', 'send PutItem', 'done PutItem']);
  });

  it('a layout read ahead that the tally has since extended costs a retry, not a slot', async () => {
    const { layout: stale } = await data.directory.getDirectoryAndLayout(deps);
    // The tally (or another PUT) extends the layout after the read.
    await counters.seedLayout(deps, { units: [{ ...demoDirectory.units[0]!, id: 'u-tally' }] });
    const { log } = await requestsOf(() => counters.seedLayout(deps, { units: [{ ...demoDirectory.units[0]!, id: 'u-late' }] }, stale));
    // The write on the old revision is refused (no answer to log), the layout read again and written.
    expect(log).toEqual(['send PutItem', 'send GetItem', 'done GetItem', 'send PutItem', 'done PutItem']);
    const { layout } = await data.directory.getDirectoryAndLayout(deps);
    expect(layout.item?.slots).toEqual(expect.arrayContaining([...allCountNames(['u-tally']), ...allCountNames(['u-late'])]));
  });

  it('asks again for the keys DynamoDB leaves unprocessed in a BatchGetItem', async () => {
    let first = true;
    const sent: number[] = [];
    const remove = data.middleware.intercept(deps.db.client, async (operation, input, next) => {
      if (operation !== 'BatchGetItem') return next(input);
      const table = deps.db.tableName;
      const request = (input.RequestItems as Record<string, { Keys: unknown[] }>)[table]!;
      sent.push(request.Keys.length);
      if (!first) return next(input);
      // As DynamoDB may answer under load: the first key served, the other left for another request.
      first = false;
      const output = (await next({ ...input, RequestItems: { [table]: { ...request, Keys: request.Keys.slice(0, 1) } } })) as Record<string, unknown>;
      return { ...output, UnprocessedKeys: { [table]: { ...request, Keys: request.Keys.slice(1) } } };
    });
    try {
      const { stored, layout } = await data.directory.getDirectoryAndLayout(deps);
      expect(stored?.document.campaign.id).toBe(demoDirectory.campaign.id);
      expect(layout.item).toBeDefined();
    } finally {
      remove();
    }
    expect(sent).toEqual([2, 1]);
  });

  it('the list of sessions without dates reads its page beside the directory; with dates, after it', async () => {
    const sends = async (query: { limit: number; from?: string }) => {
      const { log, result } = await requestsOf(() => services.sessions.sessionsForPrincipal(deps, office, query, undefined));
      expect(result.sessions.map((s) => s.code)).toEqual([sessionCode]);
      return log;
    };
    expect((await sends({ limit: 25 })).slice(0, 2).sort()).toEqual(['send GetItem', 'send Query']);
    expect(await sends({ limit: 25, from: '2026-12-01' })).toEqual(['send GetItem', 'done GetItem', 'send Query', 'done Query']);
  });
});
