import { randomBytes } from 'node:crypto';
import { marshall as marshallImage } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { contributions, counterCell, pendingDue, unitsOf, type CountedItem, type Counts } from '../../shared/domain/counters';
import { kindIds, type Kind } from '../../shared/schemas/directory';
import { statusSchema, type Satisfaction, type Status } from '../../shared/schemas/submission';
import { createDeps } from '../../shared/deps';
import { useOwnTable } from '../support/own-table';
import { prng } from '../support/prng';

/** A stream image as the table writes it: the data layer drops undefined members. */
const marshall = (doc: Record<string, unknown>) => marshallImage(doc, { removeUndefinedValues: true });

/**
 * The tally on the real engine (DynamoDB Local, a table of this file's own): stream records of
 * random item histories, delivered the way an event source mapping may deliver them — in order,
 * at least once, a failed batch again from its first record, in batches of any size, several
 * shards at once — and the counters always equal to a recount of the items' final states.
 */

const tableName = useOwnTable('tally');

let tally: typeof import('../../shared/services/tally');
let counters: typeof import('../../shared/data/counters');
/** Deps read from this file's environment (its own table). */
const deps = createDeps();

beforeAll(async () => {
  const { ensureTable, localClient } = await import('../../local/table');
  await ensureTable(localClient(inject('dynamoEndpoint')), tableName);
  tally = await import('../../shared/services/tally');
  counters = await import('../../shared/data/counters');
});

const statuses = statusSchema.options;
const openSet = new Set<Status>(['submitted', 'assigned', 'in_progress', 'reopened']);
const phases = ['study', 'review', 'rectify'];
const groups = ['g1', 'g2', 'g3', 'g4', 'g5'];
const units = ['u01', 'u02', 'u03', 'u04', 'u05', 'u06', 'u07', 'u08'];
const satisfactions: Satisfaction[] = ['satisfied', 'basically', 'unsatisfied'];

type Stored = CountedItem & { trackingCode: string; version: number };

/** A random history of item records: creations and changes, each a stream record with old and new image. */
const history = (seed: number, changes: number, dueInstants: number) => {
  const rng = prng(seed);
  const dueDates = Array.from({ length: dueInstants }, (_, i) => new Date(Date.UTC(2026, 11, 1 + i, 16)).toISOString());
  const items = new Map<string, Stored>();
  const records: DynamoDBRecord[] = [];
  const random = (trackingCode: string, version: number): Stored => {
    const status = rng.pick(statuses);
    return {
      trackingCode,
      version,
      phase: rng.pick(phases),
      ...(status === 'submitted' ? {} : { groupId: rng.pick(groups) }),
      ...(rng.chance(0.9) ? { unitId: rng.pick(units) } : {}),
      kind: rng.pick(kindIds) as Kind,
      status,
      createdAt: '2026-11-20T02:00:00.000Z',
      ...(rng.chance(0.8) ? { dueAt: rng.pick(dueDates) } : {}),
      ...(rng.chance(0.3) ? { satisfaction: rng.pick(satisfactions) } : {}),
      ...(rng.chance(0.2) ? { firstReplyAt: '2026-11-21T05:00:00.000Z' } : {}),
    };
  };
  const image = (item: Stored) => marshall({ pk: `ITEM#${item.trackingCode}`, sk: '#ITEM', entity: 'item', ...item });
  let sequence = 10n ** 20n;
  const emit = (before: Stored | null, after: Stored) => {
    sequence += BigInt(1 + rng.int(3));
    records.push({
      eventID: randomBytes(16).toString('hex'),
      eventName: before ? 'MODIFY' : 'INSERT',
      dynamodb: {
        Keys: marshall({ pk: `ITEM#${after.trackingCode}`, sk: '#ITEM' }) as never,
        ...(before ? { OldImage: image(before) as never } : {}),
        NewImage: image(after) as never,
        SequenceNumber: String(sequence),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  };
  for (let step = 0; step < changes; step++) {
    if (items.size === 0 || rng.chance(0.35)) {
      const code = `YJ-${randomBytes(4).toString('hex').toUpperCase()}`;
      const item = random(code, 1);
      items.set(code, item);
      emit(null, item);
    } else {
      const code = rng.pick([...items.keys()]);
      const before = items.get(code)!;
      let after: Stored;
      switch (rng.int(4)) {
        case 0:
          after = { ...before, status: rng.pick(statuses), version: before.version + 1 };
          break;
        case 1:
          after = { ...before, overdueNotifiedFor: before.dueAt, version: before.version + 1 };
          break;
        case 2:
          after = { ...random(code, before.version + 1) };
          break;
        default:
          after = { ...before, version: before.version + 1 }; // a change no counter sees (a note)
      }
      items.set(code, after);
      emit(before, after);
    }
    // Now and then a record of another entity (an event, a marker): the tally passes it by.
    if (rng.chance(0.1)) {
      sequence += 1n;
      records.push({
        eventID: randomBytes(16).toString('hex'),
        eventName: 'INSERT',
        dynamodb: { NewImage: marshall({ pk: 'ITEM#YJ-OTHER', sk: 'E#000002', entity: 'event' }) as never, SequenceNumber: String(sequence) },
      });
    }
  }
  return { items, records };
};

/** What the counters must hold for these items: a recount, cell by cell, and the due buckets. */
const recount = (items: Iterable<CountedItem>) => {
  const cells = new Map<string, Counts>();
  const due = new Map<string, Record<string, number>>();
  for (const item of items) {
    const cell = counterCell(item.phase, item.groupId);
    const into = cells.get(cell) ?? {};
    for (const [name, n] of Object.entries(contributions(item))) into[name] = (into[name] ?? 0) + n;
    cells.set(cell, into);
    const pending = pendingDue(item);
    if (pending) {
      const bucket = due.get(pending.dueAt) ?? {};
      bucket[pending.cell] = (bucket[pending.cell] ?? 0) + 1;
      due.set(pending.dueAt, bucket);
    }
  }
  return { cells, due };
};

/** The counters as stored, in the shape of `recount`. */
const stored = async () => {
  const state = await counters.readCounterState(deps, true);
  const cells = new Map<string, Counts>();
  for (const [cell, row] of state.counters) if (Object.keys(row.counts).length) cells.set(cell, row.counts);
  const due = new Map<string, Record<string, number>>();
  for (const bucket of await counters.readDueBucketsBefore(deps, '9999')) due.set(bucket.dueAt, { ...bucket.cells });
  return { cells, due, layout: state.layout };
};

const sorted = <V>(m: Map<string, V>) => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)));

/** Clears the counters between tests (every test starts from nothing). */
const clearCounters = async () => {
  const dynamo = deps.db.client;
  const { QueryCommand, DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
  for (const pk of ['COUNTERS', 'DUECOUNT']) {
    const page = await dynamo.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }));
    for (const row of page.Items ?? []) await dynamo.send(new DeleteCommand({ TableName: tableName, Key: { pk: row.pk, sk: row.sk } }));
  }
};

const expectCountersToMatch = async (items: Iterable<CountedItem>) => {
  const expected = recount(items);
  const actual = await stored();
  expect(sorted(actual.cells)).toEqual(sorted(expected.cells));
  expect(sorted(actual.due)).toEqual(sorted(expected.due));
};

describe('the tally', () => {
  it('counts a history delivered once, in batches of 100', { timeout: 120_000 }, async () => {
    await clearCounters();
    const { items, records } = history(1, 600, 6);
    for (let i = 0; i < records.length; i += 100) await tally.tallyRecords(deps, records.slice(i, i + 100));
    await expectCountersToMatch(items.values());
  });

  it('counts nothing twice when every batch is delivered again, and again longer', { timeout: 120_000 }, async () => {
    await clearCounters();
    const { items, records } = history(2, 500, 5);
    const rng = prng(22);
    let i = 0;
    while (i < records.length) {
      const size = 1 + rng.int(60);
      const batch = records.slice(i, i + size);
      await tally.tallyRecords(deps, batch);
      // The mapping delivers it again (a lost answer, a timed-out invocation) ...
      await tally.tallyRecords(deps, batch);
      // ... or, after a failure, from the same first record with more records behind it.
      if (rng.chance(0.5)) {
        const longer = records.slice(i, i + size + 1 + rng.int(40));
        await tally.tallyRecords(deps, longer);
        i += longer.length;
      } else {
        i += size;
      }
    }
    await expectCountersToMatch(items.values());
  });

  it('splits a batch that touches many due instants into several transactions, each marked, and counts a redelivery once', async () => {
    await clearCounters();
    // 150 due instants: a batch of 200 records touches far more than one transaction holds.
    const { items, records } = history(3, 400, 150);
    const batch = records.slice(0, 200);
    const first = await tally.tallyRecords(deps, batch);
    expect(first.counted).toBeGreaterThan(150);
    const again = await tally.tallyRecords(deps, batch);
    expect(again.counted).toBe(0);
    // A prefix that ends inside a step, then the whole batch: the rest is counted once.
    await tally.tallyRecords(deps, records.slice(200, 237));
    await tally.tallyRecords(deps, records.slice(200));
    await expectCountersToMatch(items.values());
  });

  it('keeps every count when several shards are tallied at the same time', { timeout: 180_000 }, async () => {
    await clearCounters();
    // Four shards: disjoint sets of items, each its own ordered stream, all on the same counters.
    const shards = [11, 12, 13, 14].map((seed) => history(seed, 150, 4));
    await Promise.all(
      shards.map(async ({ records }, k) => {
        for (let i = 0; i < records.length; i += 20 + k * 7) await tally.tallyRecords(deps, records.slice(i, i + 20 + k * 7));
      }),
    );
    await expectCountersToMatch(shards.flatMap(({ items }) => [...items.values()]));
  });

  it('gives a unit the directory does not know yet its slots, appended to the layout', async () => {
    await clearCounters();
    const { records } = history(5, 40, 2);
    await tally.tallyRecords(deps, records);
    const before = (await stored()).layout;
    expect(before.slots.length).toBeGreaterThan(0);
    const code = 'YJ-NEWUNIT1';
    const item: Stored = { trackingCode: code, version: 1, phase: 'study', groupId: 'g1', unitId: 'u-new_1', kind: 'question', status: 'assigned', createdAt: '2026-11-20T02:00:00.000Z' };
    await tally.tallyRecords(deps, [
      {
        eventID: 'new-unit-1',
        eventName: 'INSERT',
        dynamodb: {
          NewImage: marshall({ pk: `ITEM#${code}`, sk: '#ITEM', ...item }) as never,
          SequenceNumber: String(10n ** 30n),
        },
      },
    ]);
    const after = await stored();
    expect(after.layout.slots.slice(0, before.slots.length)).toEqual(before.slots);
    expect(after.layout.slots.slice(before.slots.length)).toEqual(['unit_u-new_1_total', 'unit_u-new_1_open', 'unit_u-new_1_problems']);
    const counts = after.cells.get('study#g1');
    expect(counts?.['unit_u-new_1_total']).toBe(1);
    expect(counts?.['unit_u-new_1_open']).toBe(1);
    expect(unitsOf(counts ?? {})).toContain('u-new_1');
  });

  it('stores counters of a fixed width: ten times the items, the same bytes', { timeout: 180_000 }, async () => {
    await clearCounters();
    const small = history(6, 300, 3);
    await tally.tallyRecords(deps, small.records);
    const sizeOf = async () => {
      const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
      const page = await deps.db.client.send(
        new QueryCommand({ TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'COUNTERS' }, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' }),
      );
      const bytes = (page.Items ?? []).filter((r) => r.sk !== '#LAYOUT').map((r) => (r.c as Uint8Array).byteLength);
      return { bytes, units: page.ConsumedCapacity?.CapacityUnits };
    };
    const at300 = await sizeOf();
    // Ten times as many records on top (counts gain digits; the stored values do not grow).
    const large = history(7, 3000, 3);
    for (let i = 0; i < large.records.length; i += 100) await tally.tallyRecords(deps, large.records.slice(i, i + 100));
    const at3300 = await sizeOf();
    expect(new Set([...at300.bytes, ...at3300.bytes]).size).toBe(1);
    expect(at3300.bytes.length).toBe(at300.bytes.length);
    expect(at3300.units).toBe(at300.units);
  });
});
