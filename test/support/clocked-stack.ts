import { afterAll, afterEach, beforeAll } from 'vitest';
import type { AdjustableClock } from '../../local/clock';
import type { LocalStack } from '../../local/stack';
import { api, startTestStack, type Api } from './stack';
import { people, type Person } from './staff-people';

/**
 * A local stack of the test file's own with the clock to move and the sweeper run by hand (no
 * timer), a token for each of the staff people, and the clock put back after each test.
 */
export interface ClockedStack {
  stack: LocalStack;
  clock: AdjustableClock;
  http: Api;
  tokens: Record<Person, string>;
  /** Staff requests as `who` (with `If-Match` when `version` is given). */
  as: (who: Person) => {
    get: (path: string) => ReturnType<Api['call']>;
    post: (path: string, body: unknown, version?: number) => ReturnType<Api['call']>;
  };
}

export const useClockedStack = (): ClockedStack => {
  const env = { tokens: {} } as ClockedStack;
  env.as = (who) => ({
    get: (path) => env.http.call('GET', path, { headers: { authorization: `Bearer ${env.tokens[who]}` } }),
    post: (path, body, version) =>
      env.http.call('POST', path, { body, headers: { authorization: `Bearer ${env.tokens[who]}`, ...(version !== undefined ? { 'if-match': `"${version}"` } : {}) } }),
  });
  beforeAll(async () => {
    env.stack = await startTestStack({ sweepIntervalSeconds: 0, retryBaseMs: 10 });
    env.clock = env.stack.clock;
    env.http = api(env.stack.url);
    for (const who of Object.keys(people) as Person[]) env.tokens[who] = await env.stack.issuer.issue(people[who]);
  });
  afterEach(() => env.clock.set(null));
  afterAll(async () => {
    env.clock?.set(null);
    await env.stack?.stop();
  });
  return env;
};
