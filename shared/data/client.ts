import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { env } from '../config';
import { intercept } from './middleware';

/**
 * The settings of the one DynamoDB client, read once per process. Locally DYNAMODB_ENDPOINT points
 * at DynamoDB Local (just another endpoint); deployed the SDK resolves the regional one.
 *
 * A request that hangs is given up and retried instead of running into the Lambda timeout
 * (YIJIAN_DYNAMODB_TIMEOUT_MS; 1.5 s deployed, off against DynamoDB Local, which can be slow under
 * a test run's load). Transactions carry a client token (the SDK fills one in), so a retried one
 * that had gone through is not applied twice.
 */
const endpoint = env.dynamoEndpoint;
const requestTimeoutMs = Number(process.env.YIJIAN_DYNAMODB_TIMEOUT_MS ?? (endpoint ? 0 : 1500));
export const dynamoSettings = {
  endpoint,
  /** Attempts in all, the first included: the SDK's standard retry strategy. */
  maxAttempts: 4,
  requestTimeoutMs: requestTimeoutMs > 0 ? requestTimeoutMs : 0,
  connectTimeoutMs: requestTimeoutMs > 0 ? 1000 : 0,
} as const;

/** A document client as the data layer uses it: documents are plain objects, undefined members dropped. */
export const documentClient = (config: DynamoDBClientConfig): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } });

/**
 * One client per process, made at module load and reused by every invocation (a warm Lambda keeps
 * its kept-alive connection).
 */
export const dynamo = documentClient({
  ...(endpoint ? { endpoint } : {}),
  maxAttempts: dynamoSettings.maxAttempts,
  ...(dynamoSettings.requestTimeoutMs > 0
    ? {
        // throwOnRequestTimeout: without it the SDK only logs a request past its timeout and waits on.
        requestHandler: { requestTimeout: dynamoSettings.requestTimeoutMs, connectionTimeout: dynamoSettings.connectTimeoutMs, throwOnRequestTimeout: true },
      }
    : {}),
});

export const tableName = env.tableName;

/**
 * Every row a Query matches, page after page (DynamoDB stops a page at 1 MB). For reads whose
 * whole result is wanted: an item collection, the counters, a sweep's work list.
 */
export const queryAll = async (input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> => {
  const rows: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    rows.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return rows;
};

/**
 * Capacity metering for tests and benchmarks: while `capacity.measuring` is on, every request asks
 * for ReturnConsumedCapacity and the units DynamoDB reports are added up. Off in normal operation.
 * Requests that `isBackground()` says belong to background work (the local stack's stream
 * workers, which run in the same process as the handlers) are added up apart, in `background`.
 */
type Consumed = { CapacityUnits?: number };
export const capacity = {
  measuring: false,
  read: 0,
  write: 0,
  total: 0,
  background: { read: 0, write: 0 },
  isBackground: (): boolean => false,
  reset() {
    this.read = 0;
    this.write = 0;
    this.total = 0;
    this.background = { read: 0, write: 0 };
  },
};

const readOperations = new Set(['GetItem', 'Query', 'BatchGetItem', 'TransactGetItems', 'Scan']);

const addConsumed = (operation: string, consumed: Consumed | Consumed[] | undefined) => {
  const isRead = readOperations.has(operation);
  const background = capacity.isBackground();
  for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
    const units = c.CapacityUnits ?? 0;
    if (background) {
      if (isRead) capacity.background.read += units;
      else capacity.background.write += units;
      continue;
    }
    capacity.total += units;
    if (isRead) capacity.read += units;
    else capacity.write += units;
  }
};

intercept(
  dynamo,
  async (operation, input, next) => {
    if (!capacity.measuring) return next(input);
    const output = await next({ ReturnConsumedCapacity: 'TOTAL', ...input });
    addConsumed(operation, output.ConsumedCapacity as Consumed | Consumed[] | undefined);
    return output;
  },
  'yijianCapacityMeter',
);
