import { systemClock, type Clock } from './clock';
import { createDb, type Db } from './data/db';
import type { Mailer } from './notify/mailer';
import type { WebhookSender } from './notify/webhook-sender';
import { readSettings, type Env, type Settings } from './settings';

/**
 * What a handler hands its services: built once per cold start from the environment
 * (`processDeps`), or by a test or the local stack with parts of its own (`createDeps(env, parts)`).
 * Services and data functions take what they need from it (`{ db }`, `{ clock }`, `settings`) and
 * read no environment and no module singleton for configuration. Powertools' Logger and Metrics
 * stay module singletons (shared/observability/): that is Powertools' own pattern, and they carry
 * nothing a test varies.
 */
export interface Deps {
  /** The one DynamoDB client and the table. Made on first use: deps whose table is never touched need no TABLE_NAME (the OpenAPI function builds no deps at all, functions/get-openapi.ts). */
  readonly db: Db;
  readonly clock: Clock;
  readonly settings: Settings;
}

/** What the data layer's functions need: the table. */
export type DbDeps = Pick<Deps, 'db'>;

/**
 * The notify function's deps: the mailer (SES or the local outbox, shared/notify/mailer.ts) and
 * the group-chat robots' sender (shared/notify/webhook-sender.ts) are apart, so that only the
 * function that sends notices bundles the SES client.
 */
export interface MailDeps extends Deps {
  readonly mailer: Mailer;
  readonly postWebhook: WebhookSender;
}

/** Reads the settings from `env` (throwing on an invalid value, naming it) and puts deps together; `parts` replace the defaults. */
export const createDeps = (env: Env = process.env, parts: Partial<Deps> = {}): Deps => {
  const settings = parts.settings ?? readSettings(env);
  let db = parts.db;
  return {
    settings,
    clock: parts.clock ?? systemClock(settings.clockOffsetMs),
    get db() {
      return (db ??= createDb(settings));
    },
  };
};

let current: Deps | undefined;

/** This process's deps: made on first use and kept, as a Lambda keeps them across invocations. */
export const processDeps = (): Deps => (current ??= createDeps(process.env));

/**
 * A handler built on this process's deps, which can be built again on other deps (`withDeps`: the
 * local stack's, a test's), so that nothing has to patch a module. `build` runs at module load, so
 * an invalid setting stops the cold start.
 */
export const handlerOn = <D extends Deps, H>(build: (deps: D) => H, deps: D): H & { withDeps: (deps: D) => H } =>
  Object.assign(build(deps) as object, { withDeps: build }) as H & { withDeps: (deps: D) => H };
