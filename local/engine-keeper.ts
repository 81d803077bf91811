import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb';

/**
 * Keeps the stack's own DynamoDB Local running (issue #14, point 11): when the JVM exits while the
 * stack runs (killed, out of memory), it is started again on the same port and the same data dir,
 * so the handlers' client, the stream pollers (they resume from their checkpoints) and the data
 * are where they were. In memory there is nothing to come back to (the table and its items died
 * with the JVM), and a JVM that keeps dying is not going to stay up: then the stack is told to give
 * up (`onGiveUp`, with a message for a person), rather than answer 503 for ever beside pages that
 * still answer 200.
 */
/** The defaults of `maxRestarts` and `windowMs`: a crash now and then is restarted, a loop of them is not. */
export const defaultMaxRestarts = 3;
export const defaultRestartWindowMs = 60_000;

export interface EngineKeeperOptions {
  /** DynamoDB Local's files; undefined: in memory (never restarted). */
  readonly dbPath?: string;
  /** Restarts allowed within `windowMs` before giving up (defaults `defaultMaxRestarts`, `defaultRestartWindowMs`). */
  readonly maxRestarts?: number;
  readonly windowMs?: number;
  /** Told each event, for the console: an exit, a restart, a failed restart. */
  readonly log?: (line: string) => void;
  /** The engine is gone for good: stop the stack and say why. */
  readonly onGiveUp: (reason: string) => void;
  /** How to start an engine (a test's stand-in); default: DynamoDB Local itself. */
  readonly start?: (options: { dbPath?: string; port?: number }) => Promise<DynamoDbLocal>;
}

export interface EngineKeeper {
  readonly endpoint: string;
  /** The engine running now (another process after a restart). */
  current(): DynamoDbLocal;
  /** How many times the engine was started again. */
  readonly restarts: number;
  /** The stack is stopping: an exit from now on is expected (Ctrl-C reaches the JVM too), not restarted. */
  expectExit(): void;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const keepDynamoDbLocal = async (options: EngineKeeperOptions): Promise<EngineKeeper> => {
  const start = options.start ?? startDynamoDbLocal;
  const maxRestarts = options.maxRestarts ?? defaultMaxRestarts;
  const windowMs = options.windowMs ?? defaultRestartWindowMs;
  const log = options.log ?? ((line: string) => console.error(line));
  let engine = await start({ dbPath: options.dbPath });
  const { port, endpoint } = engine;
  let stopping = false;
  let restarting: Promise<void> | undefined;
  let restarts = 0;
  const startedAt: number[] = [];

  const giveUp = (reason: string) => {
    if (stopping) return;
    stopping = true;
    options.onGiveUp(reason);
  };

  const restart = async (exit: string) => {
    if (!options.dbPath) {
      giveUp(`DynamoDB Local exited (${exit}); it kept the data in memory (YIJIAN_IN_MEMORY), which is gone with it, so the stack stops. Start it again.`);
      return;
    }
    log(`DynamoDB Local exited (${exit}); starting it again on ${options.dbPath}`);
    for (;;) {
      const now = Date.now();
      while (startedAt.length > 0 && startedAt[0] < now - windowMs) startedAt.shift();
      if (startedAt.length >= maxRestarts) {
        giveUp(`DynamoDB Local exited ${maxRestarts + 1} times within ${Math.round(windowMs / 1000)} s (last: ${exit}); the stack stops. Its data is in ${options.dbPath}; check the Java installation, free memory and disk space, then start it again.`);
        return;
      }
      startedAt.push(now);
      try {
        engine = await start({ dbPath: options.dbPath, port });
        if (stopping) {
          await engine.stop();
          return;
        }
        restarts++;
        watch(engine);
        log(`DynamoDB Local is running again (${endpoint})`);
        return;
      } catch (error) {
        exit = `could not start: ${(error as Error).message.split('\n')[0]}`;
        log(`DynamoDB Local ${exit}`);
        // The port may be in TIME_WAIT or the JVM slow to let go of it: wait a little between tries.
        await sleep(500);
      }
    }
  };

  const watch = (running: DynamoDbLocal) => {
    running.process.once('exit', (code, signal) => {
      if (stopping || running !== engine) return;
      restarting = restart(signal ?? `code ${code}`).finally(() => (restarting = undefined));
    });
  };
  watch(engine);

  return {
    endpoint,
    current: () => engine,
    get restarts() {
      return restarts;
    },
    expectExit() {
      stopping = true;
    },
    async stop() {
      stopping = true;
      await restarting;
      await engine.stop();
    },
  };
};
