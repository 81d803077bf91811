import { clock as processClock, type Clock } from './clock';
import { createDb, type Db } from './data/db';
import { readSettings, type Env, type Settings } from './settings';

/**
 * What a handler hands its services: built once per cold start from the environment
 * (`processDeps`), or by a test or the local stack with parts of its own (`createDeps(env, parts)`).
 * Services take what they need from it and read no environment and no module singleton for
 * configuration. Powertools' Logger and Metrics stay module singletons (shared/observability/):
 * that is Powertools' own pattern, and they carry no configuration a test varies.
 */
export interface Deps {
  /** The one DynamoDB client and the table. Made on first use: a function without a table (the OpenAPI document) never needs TABLE_NAME. */
  readonly db: Db;
  readonly clock: Clock;
  readonly settings: Settings;
}

/** Reads the settings from `env` (throwing on an invalid value, naming it) and puts deps together; `parts` replace the defaults. */
export const createDeps = (env: Env = process.env, parts: Partial<Deps> = {}): Deps => {
  const settings = parts.settings ?? readSettings(env);
  let db = parts.db;
  return {
    settings,
    clock: parts.clock ?? processClock,
    get db() {
      return (db ??= createDb(settings));
    },
  };
};

let current: Deps | undefined;

/** This process's deps: made on first use and kept, as a Lambda keeps them across invocations. */
export const processDeps = (): Deps => (current ??= createDeps(process.env));
