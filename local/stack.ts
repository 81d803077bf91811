import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CapacityMeter } from '../shared/data/capacity';
import type { MailDeps } from '../shared/deps';
import type { sweep as sweepItems } from '../shared/services/sweeper';

type SweepResult = Awaited<ReturnType<typeof sweepItems>>;
import { createAccessTokenVerifier, type JwtClaims } from '../shared/http/jwt';
import type { Mailer } from '../shared/notify/mailer';
import { adjustableClock, type AdjustableClock } from './clock';
import { createDevIssuer, devClientId, devIssuer, type DevIssuer } from './dev-issuer';
import { devRoutes } from './dev-routes';
import { keepDynamoDbLocal, type EngineKeeper } from './engine-keeper';
import { startGateway, type Gateway } from './gateway';
import { lambdaContext } from './lambda-context';
import { startObjectStore, type ObjectStore } from './object-store';
import { createOutbox, type Outbox } from './outbox';
import { createPageServer, webDist } from './pages';
import { loadOrCreateRoomSecret } from './room-secret';
import { startStreamPoller, type StreamPoller } from './stream-poller';
import { streamWorker, tallyWorker } from '../shared/workers';
import { ensureTable, localClient } from './table';

/**
 * The whole local stack out of real parts: DynamoDB Local, the table as CDK defines it, the demo
 * directory, and the gateway in front of the very handler modules CDK deploys.
 */
/** Locally the sweeper runs this often (deployed: `scheduleWorker.everyMinutes`), so a developer sees overdue items soon. */
export const defaultSweepIntervalSeconds = 60;

export interface LocalStackOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Use an already running DynamoDB Local (tests start one per run); otherwise one is started. */
  readonly dynamoEndpoint?: string;
  /** Folder for DynamoDB Local's files; ignored when `inMemory`. */
  readonly dataDir?: string;
  readonly inMemory?: boolean;
  readonly tableName?: string;
  readonly seedDemo?: boolean;
  /**
   * Also seeds the demo items (shared/demo/items.ts) when the table was just created: `npm start`
   * on a new persistent data dir, so a newcomer has something to triage. Never on an existing table.
   */
  readonly seedDemoItems?: boolean;
  readonly accessLog?: (line: string) => void;
  /** Seconds between sweeps (overdue, reminders, auto-close); 0 turns the timer off. Default `defaultSweepIntervalSeconds`. */
  readonly sweepIntervalSeconds?: number;
  /** Milliseconds the stream poller waits before retrying a failed batch (doubling each time). */
  readonly retryBaseMs?: number;
  /** Wraps the stack's mailer (the outbox): a test's sender that fails as SES can, in the stack's deps. */
  readonly mailer?: (outbox: Mailer) => Mailer;
  /**
   * The stack's own DynamoDB Local died for good (in memory, or it kept dying: local/engine-keeper.ts).
   * Default: the reason on stderr and the stack stopped, so nothing answers instead of endless 503s.
   */
  readonly onEngineLost?: (reason: string, stack: LocalStack) => void;
}

export interface LocalStack {
  readonly url: string;
  readonly issuer: DevIssuer;
  /** The claims of a valid token of the local issuer, checked as the gateway and the export function check it. */
  verifyToken(token: string): Promise<JwtClaims>;
  readonly outbox: Outbox;
  /** Waits until every change made so far has gone through the notify handler. */
  drainNotifications(timeoutMs?: number): Promise<void>;
  /** Waits until every change made so far is counted on the dashboard. */
  drainTally(timeoutMs?: number): Promise<void>;
  /** Runs the sweeper now, as the schedule would. */
  sweep(): Promise<SweepResult>;
  /** The notify handler's stream reader. */
  readonly poller: StreamPoller;
  /** The tally's stream reader (a second event source mapping deployed). */
  readonly tally: StreamPoller;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  /** The local object store (s3rver on 127.0.0.1) with the attachments bucket. */
  readonly objectStore: ObjectStore;
  /** The deps every handler of the stack runs on (one DynamoDB client, the clock, the outbox mailer). */
  readonly deps: MailDeps;
  /** The stack's clock: tests and the bench move it instead of waiting (local/clock.ts). */
  readonly clock: AdjustableClock;
  /** The capacity meter on the stack's client; the stream workers' requests are added up apart. */
  readonly capacity: CapacityMeter;
  /** How many demo items this start seeded (0 unless `seedDemoItems` and a new table). */
  readonly seededItems: number;
  stop(): Promise<void>;
}

/**
 * The environment of the process, as a Lambda's: the SDK reads its region and credentials from it,
 * and the stack reads its settings from it (shared/settings.ts) like every function.
 */
const configureEnvironment = (endpoint: string, tableName: string) => {
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_SERVICE_NAME: 'yijian',
    // The machine runs Node.js 20; the SDK versions pinned in package-lock.json support it.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  // Local credentials must never come from a developer's real AWS profile.
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
};

/**
 * DynamoDB Local 3.3 acknowledges a transaction before its COMMIT reaches the disk (it queues it);
 * a read after it waits behind the queued commit. With a data dir, every acknowledged transaction
 * is then durable before the handler answers, so a crash loses nothing answered 201. Local only:
 * DynamoDB itself is durable when it answers.
 */
const awaitTransactionCommits = async (db: MailDeps['db']) => {
  const { addCommitBarrier } = await import('./commit-barrier');
  addCommitBarrier(db.client, db.tableName);
};

/**
 * The stream workers run in this process beside the handlers; their DynamoDB requests are metered
 * apart (shared/data/capacity.ts `background`), so a request's figure is its own.
 */
const background = new AsyncLocalStorage<true>();
const inBackground = <T>(work: () => Promise<T>): Promise<T> => background.run(true, work);

const lambdaContextFor = (name: string) => lambdaContext(name, { timeoutMs: 60_000 });

const runSweep = async (deps: MailDeps) => {
  const [{ handler }, { withStorage }, { sweepStaleUploads }] = await Promise.all([import('../functions/sweep'), import('../shared/storage/client'), import('./object-store')]);
  const result = (await handler.withDeps(deps)({}, lambdaContextFor('sweep'))) as SweepResult;
  // The bucket's lifecycle rule, which the local object store lacks (local/object-store.ts).
  await sweepStaleUploads(withStorage(deps));
  return result;
};

/** The local on-failure destination: the outbox shows the message as failed, with the reason. */
const recordFailure = async (outbox: Outbox, records: readonly import('aws-lambda').DynamoDBRecord[], error: unknown) => {
  const { DeliveryError, NotificationBusyError } = await import('../shared/services/notify');
  const delivery = error instanceof DeliveryError ? error : undefined;
  const busy = error instanceof NotificationBusyError ? error : undefined;
  outbox.append({
    id: randomUUID(),
    to: delivery?.to ?? [],
    subject: delivery?.subject ?? `undelivered change-stream records ${records.map((r) => r.eventID).join(', ')}${busy ? ` (${busy.dedupKey})` : ''}`,
    text: '',
    at: new Date().toISOString(),
    status: 'failed',
    error: delivery ? `${delivery.message} (${delivery.dedupKey})` : busy ? `${busy.name} (${busy.dedupKey})` : error instanceof Error ? error.name : 'failed',
  });
};

export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const tableName = options.tableName ?? 'yijian';
  let dynamo: EngineKeeper | undefined;
  let lostEngine: ((reason: string) => void) | undefined;
  let gateway: Gateway | undefined;
  let objectStore: ObjectStore | undefined;
  let issuer: DevIssuer;
  let verifyToken: ((token: string) => Promise<JwtClaims>) | undefined;
  let outbox: Outbox;
  let poller: StreamPoller | undefined;
  let tally: StreamPoller | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let deps: MailDeps | undefined;
  let clock: AdjustableClock | undefined;
  let capacity: CapacityMeter;
  let seededItems = 0;
  try {
    let endpoint = options.dynamoEndpoint;
    if (!endpoint) {
      const dbPath = options.inMemory ? undefined : resolve(options.dataDir ?? '.data', 'dynamodb');
      if (dbPath) mkdirSync(dbPath, { recursive: true });
      // Started again if it exits while the stack runs (on the same port and data dir).
      dynamo = await keepDynamoDbLocal({ dbPath, onGiveUp: (reason) => lostEngine?.(reason) });
      endpoint = dynamo.endpoint;
    }
    const keep = !options.inMemory && !options.dynamoEndpoint;
    const dataDir = resolve(options.dataDir ?? '.data');
    const scratch = keep ? dataDir : mkdtempSync(join(tmpdir(), 'yijian-'));
    outbox = createOutbox(join(scratch, 'outbox.jsonl'));
    configureEnvironment(endpoint, tableName);
    const [{ createDeps, processDeps }, { meterCapacity }, { withMailer, createMailer }] = await Promise.all([
      import('../shared/deps'),
      import('../shared/data/capacity'),
      import('../shared/notify/mailer'),
    ]);
    // The process's one DynamoDB client: the tests' and the bench's own reads (processDeps) share it.
    const { db } = processDeps();
    if (db.tableName !== tableName) throw new Error(`one local stack per process: this one's client is on table ${db.tableName}`);
    capacity = meterCapacity(db.client);
    capacity.isBackground = () => background.getStore() === true;
    const client = localClient(endpoint);
    const table = await ensureTable(client, tableName);
    if (keep) await awaitTransactionCommits(db);
    if (options.seedDemo ?? true) {
      const [{ putDirectory }, { demoDirectory }] = await Promise.all([import('../shared/data/directory'), import('../shared/demo/directory')]);
      await putDirectory({ db }, demoDirectory, { onlyIfMissing: true });
    }
    issuer = await createDevIssuer(keep ? resolve(dataDir, 'dev-issuer-keys.json') : undefined);
    // The gateway's authorizer and the export function check the local issuer's tokens with the
    // verifier the deployed export function uses (aws-jwt-verify), which fetches the issuer's
    // JWKS over HTTP from the gateway, as it fetches a user pool's from Cognito.
    gateway = await startGateway({
      port: options.port,
      fallback: createPageServer({ root: webDist, objectStore: () => objectStore?.endpoint }),
      accessLog: options.accessLog,
      verifyToken: (token) => verifyToken!(token).catch(() => null),
      extraRoutes: devRoutes(issuer, outbox, () => runSweep(deps!)),
      // Built below, before anything calls the gateway (it knows its own URL only once it listens).
      deps: () => deps!,
      // Deployed, the dashboard trails the items by the stream's delay (under a second); locally a
      // client that writes and then reads the dashboard sees its own writes: the tally catches up
      // first (a pass over the stream, a few milliseconds), bounded so a stuck tally cannot hang it.
      beforeInvoke: (key) => (key === 'GET /api/dashboard' && tally ? tally.drain(15_000).catch(() => undefined) : undefined),
    });
    // Its files beside DynamoDB Local's (kept with the data dir), or in the scratch dir.
    objectStore = await startObjectStore({ directory: join(scratch, 's3'), siteOrigin: gateway.url });
    const tokenCheck = { issuer: devIssuer, clientId: devClientId, jwksUri: `${gateway.url}/api/dev/jwks.json` };
    verifyToken = createAccessTokenVerifier(tokenCheck);
    // The settings of every function of the stack: the environment, and what only the stack knows
    // (its outbox, its URL for links in e-mail, the local issuer the export function checks
    // tokens against, as a streaming route verifies them itself deployed).
    const base = createDeps({
      ...process.env,
      YIJIAN_MAIL_OUTBOX: outbox.file,
      YIJIAN_PUBLIC_URL: process.env.YIJIAN_PUBLIC_URL || gateway.url,
      YIJIAN_JWT_ISSUER: tokenCheck.issuer,
      YIJIAN_JWT_CLIENT_ID: tokenCheck.clientId,
      YIJIAN_JWT_JWKS_URI: tokenCheck.jwksUri,
      ATTACHMENTS_BUCKET: objectStore.bucket,
      S3_ENDPOINT: objectStore.endpoint,
      YIJIAN_ROOM_SECRET: process.env.YIJIAN_ROOM_SECRET || loadOrCreateRoomSecret(keep ? resolve(dataDir, 'room-secret') : undefined),
    });
    clock = adjustableClock(base.settings.clockOffsetMs);
    const outboxMailer = createMailer(base.settings, clock);
    deps = withMailer(createDeps({}, { settings: base.settings, db, clock }), options.mailer ? options.mailer(outboxMailer) : outboxMailer);
    const { handler: notifyHandler } = await import('../functions/notify');
    const notify = notifyHandler.withDeps(deps);
    poller = await startStreamPoller(client, {
      endpoint,
      tableName,
      handler: (event) => inBackground(() => notify(event, lambdaContextFor('notify'))),
      onFailure: (records, error) => recordFailure(outbox, records, error),
      batchSize: streamWorker.batchSize,
      maxRetries: streamWorker.maxRetries,
      reportBatchItemFailures: streamWorker.reportBatchItemFailures,
      checkpointFile: join(scratch, `stream-checkpoints-${tableName}.json`),
      retryBaseMs: options.retryBaseMs,
    });
    const tallyHandler = (await import('../functions/tally')).handler.withDeps(deps);
    tally = await startStreamPoller(client, {
      endpoint,
      tableName,
      handler: (event) => inBackground(() => tallyHandler(event, lambdaContextFor('tally'))),
      // Never reached (the tally retries until it succeeds), as deployed.
      onFailure: (_records, error) => console.error('tally: batch given up', error instanceof Error ? error.name : 'error'),
      batchSize: tallyWorker.batchSize,
      maxRetries: tallyWorker.maxRetries,
      reportBatchItemFailures: tallyWorker.reportBatchItemFailures,
      checkpointFile: join(scratch, `stream-checkpoints-tally-${tableName}.json`),
      retryBaseMs: options.retryBaseMs,
    });
    if (options.seedDemoItems && (options.seedDemo ?? true) && table === 'created') {
      const { seedDemoItems } = await import('./seed-demo-items');
      seededItems = await seedDemoItems(deps);
      // What the schedule would have found by now: the seeded items that are overdue.
      await runSweep(deps);
    }
    const interval = options.sweepIntervalSeconds ?? defaultSweepIntervalSeconds;
    if (interval > 0) {
      sweepTimer = setInterval(() => {
        runSweep(deps!).catch((error: Error) => console.error('sweeper failed:', error.name));
      }, interval * 1000);
      sweepTimer.unref();
    }
  } catch (error) {
    clearInterval(sweepTimer);
    await Promise.all([poller?.stop(), tally?.stop()]);
    await gateway?.close();
    await objectStore?.stop();
    await dynamo?.stop();
    throw error;
  }
  const started = gateway;
  const startedPoller = poller;
  const startedTally = tally;
  const startedDeps = deps!;
  const startedStore = objectStore!;
  const stack: LocalStack = {
    url: started.url,
    issuer: issuer!,
    verifyToken: verifyToken!,
    outbox: outbox!,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
    tableName,
    objectStore: startedStore,
    poller: startedPoller,
    tally: startedTally,
    drainNotifications: (timeoutMs) => startedPoller.drain(timeoutMs),
    drainTally: (timeoutMs) => startedTally.drain(timeoutMs),
    sweep: () => runSweep(startedDeps),
    deps: startedDeps,
    clock: clock!,
    capacity: capacity!,
    seededItems,
    stop: async () => {
      dynamo?.expectExit();
      clearInterval(sweepTimer);
      // Both pollers told at once: a Ctrl-C reaches DynamoDB Local too, and a poller still waiting
      // for the other to finish its pass would report the engine's exit as a failed read.
      await Promise.all([startedPoller.stop(), startedTally.stop()]);
      await started.close();
      await startedStore.stop();
      await dynamo?.stop();
    },
  };
  lostEngine = (reason) => {
    if (options.onEngineLost) return options.onEngineLost(reason, stack);
    console.error(`yijian: ${reason}`);
    void stack.stop();
  };
  return stack;
};
