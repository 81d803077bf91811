import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { demoDirectory } from '../../shared/demo/directory';
import { createDeps } from '../../shared/deps';
import { useOwnTable } from '../support/own-table';

/**
 * The directory is cached per process for YIJIAN_DIRECTORY_CACHE_MS, and a directory PUT answers
 * only once every cache that could hold the old document has expired. Here, on a table of this
 * file's own: a write made elsewhere (another function's process) shows in this process's reads
 * within the cache time and not before, and the PUT's 200 comes no sooner than that after its write.
 */
const cacheMs = 400;
const tableName = useOwnTable('dircache', { YIJIAN_DIRECTORY_CACHE_MS: String(cacheMs) });

let cache: typeof import('../../shared/services/directory');
let data: typeof import('../../shared/data/directory');
let desk: typeof import('../../shared/services/directory-admin');
/** Deps read from this file's environment: a client, and so a directory cache, of this process's own. */
const deps = createDeps();
const office = { sub: 'office-1', name: '办公室', office: true, leader: false, groups: [], units: [] };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  const { ensureTable, localClient } = await import('../../local/table');
  await ensureTable(localClient(inject('dynamoEndpoint')), tableName);
  cache = await import('../../shared/services/directory');
  data = await import('../../shared/data/directory');
  desk = await import('../../shared/services/directory-admin');
  await data.putDirectory(deps, demoDirectory);
});

const renamed = (name: string) => ({ ...demoDirectory, groups: demoDirectory.groups.map((g, i) => (i === 0 ? { ...g, name } : g)) });

describe('the directory cache', () => {
  it(`serves a write made by another process within ${cacheMs} ms, and a cached copy until then`, async () => {
    cache.forgetDirectory(deps);
    expect((await cache.requireDirectory(deps)).groups[0].name).toBe(demoDirectory.groups[0].name);
    const readAt = performance.now();
    // Another function's process stores a new directory (straight into the table: not through this cache).
    await data.putDirectory(deps, renamed('第一督导组（改）'));
    const stillCached = (await cache.requireDirectory(deps)).groups[0].name;
    if (performance.now() - readAt < cacheMs - 50) expect(stillCached).toBe(demoDirectory.groups[0].name);
    await sleep(cacheMs + 20);
    expect((await cache.requireDirectory(deps)).groups[0].name).toBe('第一督导组（改）');
    await data.putDirectory(deps, demoDirectory);
    cache.forgetDirectory(deps);
  });

  it('answers a directory PUT only once every cache that read before its write has expired', async () => {
    // A cache filled just before the write (in another process it could not be told).
    const before = performance.now();
    await cache.requireDirectory(deps);
    const document = renamed(`第一督导组 ${randomBytes(2).toString('hex')}`);
    await desk.replaceDirectory(deps, office, document);
    const answeredAfter = performance.now() - before;
    // The old copy was read at `before`; it expires at before + cacheMs, and the PUT answered later.
    expect(answeredAfter).toBeGreaterThanOrEqual(cacheMs - 2);
    expect((await data.getDirectory(deps))?.groups[0].name).toBe(document.groups[0].name);
    // And this process sees its own write at once.
    expect((await cache.requireDirectory(deps)).groups[0].name).toBe(document.groups[0].name);
  });

  it('answers an unchanged directory PUT at once, without writing', async () => {
    const stored = (await data.getDirectory(deps))!;
    const { intercept } = await import('../../shared/data/middleware');
    const dynamo = deps.db.client;
    const writes: string[] = [];
    const stop = intercept(dynamo, (operation, input, next) => {
      if (!['GetItem', 'Query', 'BatchGetItem'].includes(operation)) writes.push(operation);
      return next(input);
    });
    try {
      // The same document, its keys in another order (as the editor may send it back).
      const reordered = Object.fromEntries(Object.entries(stored).reverse());
      await desk.replaceDirectory(deps, office, reordered);
    } finally {
      stop();
    }
    expect(writes).toEqual([]);
  });
});
