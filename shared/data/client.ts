import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { env } from '../config';

/**
 * One document client per process, made at module load and reused by every invocation.
 * Locally DYNAMODB_ENDPOINT points at DynamoDB Local; deployed the SDK uses the regional endpoint.
 */
const endpoint = env.dynamoEndpoint;

/**
 * A request that hangs is given up and retried instead of running into the Lambda timeout
 * (YIJIAN_DYNAMODB_TIMEOUT_MS; 1.5 s deployed, off against DynamoDB Local, which can be slow under
 * a test run's load). Transactions carry a client token, so a retried one that had gone through
 * is not applied twice.
 */
const requestTimeout = Number(process.env.YIJIAN_DYNAMODB_TIMEOUT_MS ?? (endpoint ? 0 : 1500));

const base = new DynamoDBClient({
  ...(endpoint ? { endpoint } : {}),
  maxAttempts: 4,
  ...(requestTimeout > 0 ? { requestHandler: { connectionTimeout: 1000, requestTimeout, throwOnRequestTimeout: true } } : {}),
});

export const dynamo = DynamoDBDocumentClient.from(base, {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
});

export const tableName = env.tableName;

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

const readOperations = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand', 'ScanCommand']);

base.middlewareStack.add(
  (next, context) => async (args) => {
    if (!capacity.measuring) return next(args);
    (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity ??= 'TOTAL';
    const result = await next(args);
    const consumed = (result.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity;
    const isRead = readOperations.has(String(context.commandName));
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
  },
  { step: 'initialize', name: 'yijianCapacityMeter' },
);
