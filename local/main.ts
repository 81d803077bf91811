import './env-defaults';
import { performance } from 'node:perf_hooks';
import { ensureWebBuild } from './pages';
import { startLocalStack } from './stack';

/**
 * `npm start`: the whole local stack with demo data, on 127.0.0.1 only.
 *   PORT               the gateway's port (default `defaultPort`)
 *   YIJIAN_DATA_DIR    where DynamoDB Local keeps its files (default ./.data)
 *   YIJIAN_IN_MEMORY=1 keep nothing
 */
const defaultPort = 3000;
const port = Number(process.env.PORT ?? defaultPort);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not ${process.env.PORT}`);
  process.exit(2);
}
const inMemory = ['1', 'true', 'yes'].includes((process.env.YIJIAN_IN_MEMORY ?? '').toLowerCase());
const dataDir = process.env.YIJIAN_DATA_DIR || '.data';
const quiet = ['1', 'true'].includes((process.env.YIJIAN_QUIET ?? '').toLowerCase());

// The pages are built once after install, and again only when their sources change.
await ensureWebBuild({ log: (line) => console.log(line) }).catch((error: Error) => {
  console.error(`yijian could not build its pages: ${error.message}`);
  process.exit(1);
});

const stack = await startLocalStack({
  port,
  inMemory,
  dataDir,
  // A new persistent data dir starts with demo items to triage; in memory, a start is always new.
  seedDemoItems: !inMemory,
  accessLog: quiet ? undefined : (line) => console.log(line),
  // DynamoDB Local died for good (local/engine-keeper.ts): say so and exit non-zero, instead of
  // pages that answer while every API call fails.
  onEngineLost: (reason, running) => {
    console.error(`yijian stops: ${reason}`);
    const exit = () => process.exit(1);
    void running.stop().then(exit, exit);
  },
}).catch((error: Error) => {
  console.error(`yijian could not start: ${error.message}`);
  process.exit(1);
});

console.log(`
意见箱 yijian is running (ready in ${Math.round(performance.now())} ms)
  form        ${stack.url}/
  tracking    ${stack.url}/track
  answers     ${stack.url}/answers
  console     ${stack.url}/console   (sign in as a demo user)
  API         ${stack.url}/api/form
  OpenAPI     ${stack.url}/api/openapi.json
  data        ${inMemory ? 'in memory (nothing is kept)' : dataDir}${stack.seededItems ? `\n  demo        ${stack.seededItems} demo items seeded on this new data dir` : ''}
Press Ctrl-C to stop.`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping yijian…`);
  await stack.stop();
  console.log('stopped.');
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
// If whatever launched us goes away without passing a signal on (a killed npm or shell), stop too.
const launcher = process.ppid;
setInterval(() => {
  if (process.ppid !== launcher) void stop('launcher exited');
}, 1000).unref();
