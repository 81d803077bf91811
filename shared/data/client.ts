import { createDynamoClient, QueryCommand, type QueryCommandInput } from '../aws/dynamodb';
import { env } from '../config';

/**
 * One DynamoDB client per process, made at module load and reused by every invocation: our own
 * small client (shared/aws/dynamodb.ts) rather than the AWS SDK, whose loading alone is most of a
 * cold start. Locally DYNAMODB_ENDPOINT points at DynamoDB Local; deployed it is the regional one.
 */
const endpoint = env.dynamoEndpoint;

/**
 * A request that hangs is given up and retried instead of running into the Lambda timeout
 * (YIJIAN_DYNAMODB_TIMEOUT_MS; 1.5 s deployed, off against DynamoDB Local, which can be slow under
 * a test run's load). Transactions carry a client token, so a retried one that had gone through
 * is not applied twice.
 */
const requestTimeout = Number(process.env.YIJIAN_DYNAMODB_TIMEOUT_MS ?? (endpoint ? 0 : 1500));

export const dynamo = createDynamoClient({
  ...(endpoint ? { endpoint } : {}),
  maxAttempts: 4,
  ...(requestTimeout > 0 ? { requestTimeoutMs: requestTimeout, connectTimeoutMs: 1000 } : {}),
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
type Consumed = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };
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

dynamo.use(async (operation, input, next) => {
  if (!capacity.measuring) return next(input);
  const result = await next({ ReturnConsumedCapacity: 'TOTAL', ...input });
  const consumed = result.ConsumedCapacity as Consumed | Consumed[] | undefined;
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
  return result;
});
