/**
 * Submit throughput at a fixed concurrency: POST /api/submissions through the local gateway (the
 * real handler, directory read, routing, the create transaction) against raw PutItem of the same
 * item record on the same DynamoDB Local, with the same number of requests in flight. The two
 * take turns in rounds of equal length, after a warm-up each; the figure is the median round.
 *
 * Raw PutItem writes into a second table of the same definition (`<table>-raw`), so that the
 * application table keeps only items with their counters (the dashboard and the lists stay equal).
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventSk, itemPk, itemSk } from '../shared/data/keys';
import { itemIndexKeys } from '../shared/data/item-index-keys';
import type { ItemRecord } from '../shared/data/items';
import { encodeTrackingCode } from '../shared/domain/tracking-code';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { median, percentile, round, type HttpClient } from './measure';
import type { Desk } from './scale';

export interface RoundResult {
  readonly perSecond: number;
  readonly done: number;
  readonly failed: number;
  readonly statuses: Record<string, number>;
  readonly p50Ms: number;
  readonly p95Ms: number;
  /** The machine's 1-minute load average when the round ended (other work on it shows here). */
  readonly load1: number;
  /** CPU used during the round, in % of one core: this process (gateway, handlers, load) and the JVM. */
  readonly nodeCpuPercent: number;
  readonly javaCpuPercent: number | null;
  /** This process's event-loop delay, 99th percentile. */
  readonly eventLoopP99Ms: number;
  /**
   * CPU time per successful operation, in ms: this process's and the JVM's. On a machine whose
   * CPUs other work keeps busy, a rate follows the CPU an operation costs, so these say where a
   * lower rate comes from.
   */
  readonly nodeCpuMsPerOp: number;
  readonly javaCpuMsPerOp: number | null;
}

/** Starts the stdout line of throughput-main.ts that carries its result (the handlers' EMF metrics share that stdout). */
export const resultMarker = 'throughput-result ';

/** The JVM's pid, for its CPU time (set by the caller that started DynamoDB Local). */
export const watch = { javaPid: undefined as number | undefined };

/** CPU seconds (user + system) of a process, from /proc/<pid>/stat (Linux; clock ticks of 10 ms). */
const cpuSeconds = (pid: number | undefined): number | null => {
  if (pid === undefined) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
};

/** `op` runs with `width` in flight for `seconds`; rate = successes per second. */
export const timedRound = async (width: number, seconds: number, op: () => Promise<string | number>): Promise<RoundResult> => {
  const deadline = performance.now() + seconds * 1000;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let done = 0;
  let failed = 0;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const nodeCpu = process.cpuUsage();
  const javaCpu = cpuSeconds(watch.javaPid);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        let outcome: string | number;
        try {
          outcome = await op();
        } catch (error) {
          outcome = (error as Error).name || 'error';
        }
        latencies.push(performance.now() - t);
        statuses[String(outcome)] = (statuses[String(outcome)] ?? 0) + 1;
        if (outcome === 'ok' || outcome === 200 || outcome === 201) done++;
        else failed++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  delay.disable();
  const node = process.cpuUsage(nodeCpu);
  const javaNow = cpuSeconds(watch.javaPid);
  const javaSeconds = javaCpu !== null && javaNow !== null ? javaNow - javaCpu : null;
  return {
    perSecond: round(done / elapsed),
    done,
    failed,
    statuses,
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    load1: round(loadavg()[0], 2),
    nodeCpuPercent: round(((node.user + node.system) / 1e6 / elapsed) * 100, 0),
    javaCpuPercent: javaSeconds !== null ? round((javaSeconds / elapsed) * 100, 0) : null,
    eventLoopP99Ms: round(delay.percentile(99) / 1e6, 1),
    nodeCpuMsPerOp: round((node.user + node.system) / 1e3 / Math.max(done, 1), 2),
    javaCpuMsPerOp: javaSeconds !== null ? round((javaSeconds * 1e3) / Math.max(done, 1), 2) : null,
  };
};

export interface SideBySide {
  readonly concurrency: number;
  readonly roundSeconds: number;
  readonly rounds: Record<string, RoundResult[]>;
  readonly medianPerSecond: Record<string, number>;
}

/** Several operations, each warmed up, then measured in alternating rounds. */
export const sideBySide = async (
  ops: Record<string, () => Promise<string | number>>,
  options: { concurrency: number; roundSeconds: number; rounds: number; warmupSeconds: number },
  onProgress?: (line: string) => void,
): Promise<SideBySide> => {
  const names = Object.keys(ops);
  for (const name of names) await timedRound(options.concurrency, options.warmupSeconds, ops[name]);
  const rounds: Record<string, RoundResult[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < options.rounds; r++) {
    for (const name of names) {
      const result = await timedRound(options.concurrency, options.roundSeconds, ops[name]);
      rounds[name].push(result);
      onProgress?.(`  ${name} round ${r + 1}/${options.rounds}: ${result.perSecond}/s (p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms; CPU node ${result.nodeCpuPercent}% java ${result.javaCpuPercent}% = ${result.nodeCpuMsPerOp} + ${result.javaCpuMsPerOp} ms per op, loop p99 ${result.eventLoopP99Ms} ms; load ${result.load1}${result.failed ? `, ${result.failed} failed: ${JSON.stringify(result.statuses)}` : ''})`);
    }
  }
  return {
    concurrency: options.concurrency,
    roundSeconds: options.roundSeconds,
    rounds,
    medianPerSecond: Object.fromEntries(names.map((n) => [n, round(median(rounds[n].map((x) => x.perSecond)))])),
  };
};

/** A submission through the gateway: 201 expected. Units rotate so that routing spreads over the groups. */
export const gatewaySubmit = (http: HttpClient, body: (n: number) => unknown) => {
  let n = 0;
  return async () => (await http.post('/api/submissions', body(n++))).status;
};

/**
 * The item record the create transaction stores for such a submission (key attributes, index keys
 * and the item itself, as `createItem` builds it), each time with a fresh tracking code.
 */
export const itemRecordLike = (template: ItemRecord) => {
  const item = { ...template, trackingCode: encodeTrackingCode(randomBytes(5)) };
  return { pk: itemPk(item.trackingCode), sk: itemSk, entity: 'item', ...itemIndexKeys(item), ...item };
};

export const rawPut = (client: DynamoDBDocumentClient, table: string, template: ItemRecord) => async () => {
  await client.send(new PutCommand({ TableName: table, Item: itemRecordLike(template) }));
  return 'ok';
};

export interface ThroughputOptions {
  readonly desk: Desk;
  readonly stackUrl: string;
  readonly endpoint: string;
  readonly tableName: string;
  readonly concurrency: number;
  readonly roundSeconds: number;
  readonly rounds: number;
  readonly ratioTarget: number;
  /** A submission made through the gateway: the item it stored is the raw PutItem's template. */
  readonly template: { trackingCode: string };
  /** Stops the tally's stream reader: where the target is missed, a last pair of rounds runs without it. */
  readonly stopTally?: () => Promise<void>;
}

/**
 * The side-by-side measure. The ratio is the median of the paired rounds' ratios (gateway round i
 * over the raw round right after it), which cancels most of what other work on the machine does
 * to both. Where it misses the target, single rounds of the submit path's parts follow.
 */
export const measureThroughput = async (options: ThroughputOptions) => {
  const { desk, concurrency } = options;
  const { log } = desk;
  const { PutCommand, TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const [{ documentClient, dynamoMaxAttempts }, { processDeps }] = await Promise.all([import('../shared/data/db'), import('../shared/deps')]);
  // The deps of the stack's handlers in this process: its one client.
  const deps = processDeps();
  const { localClient, ensureTable } = await import('../local/table');
  const { getItem, createItem } = await import('../shared/data/items');
  const { getDirectory } = await import('../shared/data/directory');
  const { demoDirectory } = await import('../shared/demo/directory');
  const { submissionBody } = await import('./fixtures');
  const { httpClient } = await import('./measure');

  const rawTable = `${options.tableName}-raw`;
  await ensureTable(localClient(options.endpoint), rawTable);
  // The data layer's own client (shared/data/db.ts), a second instance with the same settings,
  // on the same DynamoDB Local: the baseline is the cheapest PutItem this code knows how to make.
  const raw = documentClient({ endpoint: options.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: dynamoMaxAttempts });
  const template = (await getItem(deps, options.template.trackingCode))!;
  const load = httpClient(options.stackUrl, concurrency);
  const units = demoDirectory.units.map((u) => u.id);
  const gateway = gatewaySubmit(load, (n) => submissionBody(units[n % units.length]));
  let keyed = 0;
  try {
    log(`submit throughput at concurrency ${concurrency}: gateway vs raw PutItem, ${options.rounds} paired rounds of ${options.roundSeconds} s`);
    const measured = await sideBySide({ gateway, raw: rawPut(raw, rawTable, template) }, { concurrency, roundSeconds: options.roundSeconds, rounds: options.rounds, warmupSeconds: 2 }, log);
    const pairs = measured.rounds.gateway.map((g, i) => round(g.perSecond / measured.rounds.raw[i].perSecond, 2));
    const ratio = round(median(pairs), 2);
    log(`  ratio ${ratio} (pairs ${pairs.join(', ')}; medians ${measured.medianPerSecond.gateway} / ${measured.medianPerSecond.raw})`);

    let explained: SideBySide | null = null;
    if (ratio < options.ratioTarget) {
      log('submit target missed: the parts of the submit path, one round each at the same concurrency');
      explained = await sideBySide(
        {
          'raw PutItem': rawPut(raw, rawTable, template),
          'raw PutItem, conditional (attribute_not_exists)': async () => {
            await raw.send(new PutCommand({ TableName: rawTable, Item: itemRecordLike(template), ConditionExpression: 'attribute_not_exists(pk)' }));
            return 'ok';
          },
          'raw TransactWriteItems: item + event': async () => {
            const item = itemRecordLike(template);
            await raw.send(
              new TransactWriteCommand({
                TransactItems: [
                  { Put: { TableName: rawTable, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
                  { Put: { TableName: rawTable, Item: { pk: item.pk, sk: eventSk(1), entity: 'event', version: 1, at: item.createdAt, action: 'submit', by: { type: 'submitter' }, to: item.status } } },
                ],
              }),
            );
            return 'ok';
          },
          'data layer createItem (item + event + counter)': async () => {
            const item = { ...template, trackingCode: itemRecordLike(template).trackingCode, createdAt: new Date().toISOString() };
            await createItem(deps, item, { version: 1, at: item.createdAt, action: 'submit', by: { type: 'submitter' }, to: item.status });
            return 'ok';
          },
          'data layer getDirectory (consistent GetItem, ~10 KB)': async () => ((await getDirectory(deps)) ? 'ok' : 'missing'),
          'gateway GET /api/openapi.json (no DynamoDB)': async () => (await load.get('/api/openapi.json')).status,
          'gateway POST /api/submissions': gateway,
          'gateway POST /api/submissions with Idempotency-Key (as the web form sends)': async () =>
            (await load.post('/api/submissions', submissionBody(units[keyed % units.length]), { 'idempotency-key': `bench-${keyed++}-${Date.now()}` })).status,
        },
        { concurrency, roundSeconds: options.roundSeconds, rounds: 1, warmupSeconds: 1 },
        log,
      );
    }
    // The tally's share: its stream reads and counter writes run on the same DynamoDB Local (and,
    // here, in the gateway's process) while submissions come in. Last, as the counters then lag.
    let withoutTally: { rounds: SideBySide; ratio: number } | null = null;
    if (ratio < options.ratioTarget && options.stopTally) {
      await options.stopTally();
      log('the same pair of rounds with the tally stopped');
      const rounds = await sideBySide({ gateway, raw: rawPut(raw, rawTable, template) }, { concurrency, roundSeconds: options.roundSeconds, rounds: 1, warmupSeconds: 1 }, log);
      withoutTally = { rounds, ratio: round(rounds.rounds.gateway[0].perSecond / rounds.rounds.raw[0].perSecond, 2) };
      log(`  ratio without the tally ${withoutTally.ratio}`);
    }
    return { concurrency, roundSeconds: options.roundSeconds, rounds: measured.rounds, medianPerSecond: measured.medianPerSecond, pairedRatios: pairs, ratio, explained, withoutTally };
  } finally {
    load.close();
  }
};
