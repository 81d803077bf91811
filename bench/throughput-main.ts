/**
 * The submit-throughput section, in a process of its own with a stack of its own: a fresh
 * DynamoDB Local (in memory), the table as CDK defines it and its twin for the raw PutItem, the
 * gateway in front of the same handler modules. run.ts starts it and reads one JSON line.
 *
 * Why apart: DynamoDB Local runs every write under one global lock and, inside it, does its
 * stream bookkeeping in SQLite. After the main run's fills that bookkeeping dominates every write
 * (thread dumps of such runs show the lock holder there), the raw PutItem's included, and the
 * ratio then tells DynamoDB Local's state more than the submit path's cost (measured on a 2-CPU
 * machine: 0.19-0.26 on a fresh DynamoDB Local, 0.85-1.02 after a 1,000-item fill). And the
 * thousands of submissions it makes would otherwise land in the table the scale figures count.
 *
 *   node --import tsx bench/throughput-main.ts '<json options>'
 */
// The ratio measures the submit path itself, as issue 10 defines it: without the per-address
// counting of the rate limit and the room's ceiling, each of which adds its count to the write's
// transaction (the main run's capacity rows show what a counted submission writes). With the room
// on, every submission from the one address of this machine would also meet its ceiling
// (YIJIAN_ROOM_LIMIT) within the rounds and be refused.
process.env.YIJIAN_RATE_LIMIT = 'off';
process.env.YIJIAN_ROOM_LIMIT = 'off';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
process.env.YIJIAN_QUIET = '1';

const options = JSON.parse(process.argv[2] ?? '{}') as { concurrency: number; roundSeconds: number; rounds: number; ratioTarget: number };
const log = (line: string) => process.stderr.write(`[throughput] ${line}\n`);

const { startDynamoDbLocal } = await import('../local/dynamodb');
const { startLocalStack } = await import('../local/stack');
const dynamoLocal = await startDynamoDbLocal();
const tableName = 'yijian-throughput';
try {
  const stack = await startLocalStack({ port: 0, dynamoEndpoint: dynamoLocal.endpoint, inMemory: true, tableName, seedDemo: true, sweepIntervalSeconds: 0 });
  try {
    await stack.poller.stop();
    const { httpClient } = await import('./measure');
    const { submit } = await import('./scale');
    const { measureThroughput, resultMarker, watch } = await import('./throughput');
    watch.javaPid = dynamoLocal.process.pid;
    const desk = { http: httpClient(stack.url, 8), auth: {}, log, capacity: stack.capacity, clock: stack.clock };
    const result = await measureThroughput({ ...options, desk, stackUrl: stack.url, endpoint: dynamoLocal.endpoint, tableName, template: await submit(desk), stopTally: () => stack.tally.stop() });
    desk.http.close();
    // Marked: the handlers' metrics (EMF) share this stdout, some flushed after this line.
    process.stdout.write(`${resultMarker}${JSON.stringify(result)}\n`);
  } finally {
    await stack.stop();
  }
} finally {
  await dynamoLocal.stop();
}

export {};

