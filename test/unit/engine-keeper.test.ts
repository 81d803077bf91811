import { EventEmitter } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { DynamoDbLocal } from '../../local/dynamodb';
import { keepDynamoDbLocal } from '../../local/engine-keeper';

/**
 * The bound on restarts (local/engine-keeper.ts), with stand-in engines: a JVM that dies again and
 * again on cue is the fault here (the real restart is in test/integration/engine-restart.test.ts).
 */
const fakeEngines = () => {
  const started: { options: { dbPath?: string; port?: number }; process: EventEmitter; stopped: boolean }[] = [];
  const start = async (options: { dbPath?: string; port?: number }): Promise<DynamoDbLocal> => {
    const process = new EventEmitter();
    const entry = { options, process, stopped: false };
    started.push(entry);
    return {
      endpoint: `http://127.0.0.1:${options.port ?? 4567}`,
      port: options.port ?? 4567,
      process: process as unknown as ChildProcess,
      stop: async () => {
        entry.stopped = true;
      },
    };
  };
  const kill = (index: number) => started[index].process.emit('exit', null, 'SIGKILL');
  return { started, start, kill };
};

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('the engine keeper', () => {
  it('starts a dead engine again on the same port and data dir, up to the bound, then gives up with the reason', async () => {
    const engines = fakeEngines();
    const lines: string[] = [];
    const reasons: string[] = [];
    const keeper = await keepDynamoDbLocal({ dbPath: '/data/db', maxRestarts: 2, windowMs: 60_000, start: engines.start, log: (l) => lines.push(l), onGiveUp: (r) => reasons.push(r) });
    expect(keeper.endpoint).toBe('http://127.0.0.1:4567');
    engines.kill(0);
    await settle();
    engines.kill(1);
    await settle();
    expect(engines.started.map((e) => e.options)).toEqual([{ dbPath: '/data/db' }, { dbPath: '/data/db', port: 4567 }, { dbPath: '/data/db', port: 4567 }]);
    expect(keeper.restarts).toBe(2);
    expect(keeper.current()).toMatchObject({ port: 4567 });
    expect(reasons).toEqual([]);
    engines.kill(2);
    await settle();
    expect(engines.started).toHaveLength(3);
    expect(reasons).toEqual([expect.stringMatching(/^DynamoDB Local exited 3 times within 60 s \(last: SIGKILL\); the stack stops\. Its data is in \/data\/db/)]);
    expect(lines.filter((l) => l.startsWith('DynamoDB Local exited'))).toHaveLength(3);
  });

  it('gives up at once in memory (the data died with the engine)', async () => {
    const engines = fakeEngines();
    const reasons: string[] = [];
    await keepDynamoDbLocal({ start: engines.start, onGiveUp: (r) => reasons.push(r), log: () => undefined });
    engines.kill(0);
    await settle();
    expect(engines.started).toHaveLength(1);
    expect(reasons).toEqual([expect.stringContaining('it kept the data in memory')]);
  });

  it('restarts nothing once the stack is stopping, and stops the engine it runs', async () => {
    const engines = fakeEngines();
    const reasons: string[] = [];
    const keeper = await keepDynamoDbLocal({ dbPath: '/data/db', start: engines.start, onGiveUp: (r) => reasons.push(r), log: () => undefined });
    keeper.expectExit();
    engines.kill(0);
    await settle();
    await keeper.stop();
    expect(engines.started).toHaveLength(1);
    expect(engines.started[0].stopped).toBe(true);
    expect(reasons).toEqual([]);
  });

  it('counts only the restarts within the window', async () => {
    const engines = fakeEngines();
    const reasons: string[] = [];
    const keeper = await keepDynamoDbLocal({ dbPath: '/d', maxRestarts: 1, windowMs: 30, start: engines.start, onGiveUp: (r) => reasons.push(r), log: () => undefined });
    engines.kill(0);
    await settle();
    await new Promise((resolve) => setTimeout(resolve, 40));
    engines.kill(1);
    await settle();
    expect(keeper.restarts).toBe(2);
    expect(reasons).toEqual([]);
  });
});
