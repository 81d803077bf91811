/**
 * One cold start, as a fresh Lambda container does it: a new `node` process imports a bundle and
 * answers one event, then exits. Plain JavaScript on purpose: no TypeScript loader may be counted.
 *
 *   node bench/cold-start-runner.mjs <bundle.mjs> <invocation.json>
 *
 * The invocation file holds `{ event, context }`, the context as local/lambda-context.ts makes it
 * (its functions do not survive JSON: they are put back here).
 *
 * Prints one JSON line: { status, importMs, answerMs, totalMs, cpuMs, response? } where importMs is the time
 * from process start (performance.timeOrigin) until the bundle is imported, answerMs the first
 * invocation, totalMs the sum, and cpuMs the CPU time (user + system, all threads) the process
 * used until then: unlike wall time it hardly grows when other work shares the machine. The parent
 * measures the whole process (spawn to exit) as well. `response` is what a non-streaming handler
 * returned, when the invocation file says `echo: true` (test/e2e/deployed-bundles.test.ts reads
 * it; the bench does not ask: writing a large answer would lengthen the measured process).
 *
 * Lambda's `awslambda` global is installed first for every bundle alike (the bare one included):
 * middy reads `awslambda.streamifyResponse` at module load for the streaming export handler.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';

const [bundle, invocationFile] = process.argv.slice(2);
const { event, context: fields, echo } = JSON.parse(readFileSync(invocationFile, 'utf8'));

const streaming = Symbol('streaming');
globalThis.awslambda ??= {};
globalThis.awslambda.streamifyResponse ??= (fn) => Object.assign(fn, { [streaming]: true });
globalThis.awslambda.HttpResponseStream ??= {
  from: (stream, prelude) => {
    stream.setPrelude(prelude);
    return stream;
  },
};

const { handler } = await import(pathToFileURL(bundle).href);
const imported = performance.now();

const context = { ...fields, getRemainingTimeInMillis: () => 30_000, done: () => undefined, fail: () => undefined, succeed: () => undefined };

let status;
let response;
if (handler[streaming]) {
  let bytes = 0;
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  stream.setPrelude = (prelude) => {
    status ??= prelude?.statusCode ?? 200;
  };
  const finished = new Promise((resolve, reject) => {
    stream.once('finish', resolve);
    stream.once('error', reject);
  });
  await handler(event, stream, context);
  await finished;
  status ??= bytes > 0 ? 200 : undefined;
} else {
  const result = await handler(event, context);
  if (echo) response = result;
  status = result && typeof result === 'object' && 'statusCode' in result ? result.statusCode : 200;
}
const answered = performance.now();
const cpu = process.cpuUsage();
// The SDK keeps its sockets alive: a Lambda container would be frozen here, a process must exit,
// once the line is out (a pipe takes 64 KiB at once: exiting earlier cut a large answer's line).
process.stdout.write(`${JSON.stringify({ status, importMs: imported, answerMs: answered - imported, totalMs: answered, cpuMs: (cpu.user + cpu.system) / 1000, response })}\n`, () => process.exit(0));
