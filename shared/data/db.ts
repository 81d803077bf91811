import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Settings } from '../settings';
import { isConditionFailed, UnprocessedKeysError, type ConditionRefusal } from './errors';
import { unprocessedKeys, withRetry } from './retry';

/** What the data layer works on: the one document client of a process and the table's name. */
export interface Db {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
}

/** Attempts in all, the first included: the SDK's standard retry strategy. */
export const dynamoMaxAttempts = 4;
/** With a request timeout set (deployed), a connection that is not up within this is given up too. */
const dynamoConnectTimeoutMs = 1000;

/**
 * The client's settings. Locally DYNAMODB_ENDPOINT points at DynamoDB Local (just another
 * endpoint); deployed the SDK resolves the regional one. A request that hangs is given up and
 * retried instead of running into the Lambda timeout (Settings.dynamoTimeoutMs). Transactions carry
 * a client token (the SDK fills one in), so a retried one that had gone through is not applied twice.
 */
export const dynamoClientSettings = (settings: Pick<Settings, 'dynamoEndpoint' | 'dynamoTimeoutMs'>) => ({
  endpoint: settings.dynamoEndpoint,
  maxAttempts: dynamoMaxAttempts,
  requestTimeoutMs: settings.dynamoTimeoutMs > 0 ? settings.dynamoTimeoutMs : 0,
  connectTimeoutMs: settings.dynamoTimeoutMs > 0 ? dynamoConnectTimeoutMs : 0,
});

/** A document client as the data layer uses it: documents are plain objects, undefined members dropped. */
export const documentClient = (config: DynamoDBClientConfig): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient(config), { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } });

/** The client with `settings`; made once per cold start (shared/deps.ts) and reused by every invocation. */
const createDynamoClient = (settings: Pick<Settings, 'dynamoEndpoint' | 'dynamoTimeoutMs'>): DynamoDBDocumentClient => {
  const s = dynamoClientSettings(settings);
  return documentClient({
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    maxAttempts: s.maxAttempts,
    ...(s.requestTimeoutMs > 0
      ? {
          // throwOnRequestTimeout: without it the SDK only logs a request past its timeout and waits on.
          requestHandler: { requestTimeout: s.requestTimeoutMs, connectionTimeout: s.connectTimeoutMs, throwOnRequestTimeout: true },
        }
      : {}),
  });
};

/** The table of these settings, or a cold start that stops naming the missing variable. */
export const createDb = (settings: Pick<Settings, 'tableName' | 'dynamoEndpoint' | 'dynamoTimeoutMs'>): Db => {
  if (!settings.tableName) throw new Error('missing environment variable TABLE_NAME');
  return { client: createDynamoClient(settings), tableName: settings.tableName };
};

/**
 * Awaits a conditional write: null when it was made, its refusal when its condition did not hold
 * (what that means is the caller's to say: taken, gone, stale, busy); any other failure is thrown.
 */
export const refusalOf = async (write: Promise<unknown>): Promise<ConditionRefusal | null> => {
  try {
    await write;
    return null;
  } catch (error) {
    if (isConditionFailed(error)) return error;
    throw error;
  }
};

/**
 * Every row a Query matches, page after page (DynamoDB stops a page at 1 MB). For reads whose
 * whole result is wanted: an item collection, the counters, a sweep's work list.
 */
export const queryAll = async (
  { client }: Pick<Db, 'client'>,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
): Promise<Record<string, unknown>[]> => {
  const rows: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    rows.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return rows;
};

/** BatchGetItem takes at most 100 keys. */
export const batchGetMaxKeys = 100;

/**
 * Every existing item of `keys` (at most `batchGetMaxKeys`), in no order: one BatchGetItem, and
 * as many more as DynamoDB leaves keys unprocessed (the unprocessedKeys policy). `read`: the
 * request's projection and consistency, as BatchGetItem takes them per table.
 */
export const batchGetAll = async (
  { client, tableName }: Db,
  keys: readonly Record<string, unknown>[],
  read: { readonly ProjectionExpression?: string; readonly ExpressionAttributeNames?: Record<string, string>; readonly ConsistentRead?: boolean } = {},
): Promise<Record<string, unknown>[]> => {
  const found: Record<string, unknown>[] = [];
  let pending = [...keys];
  await withRetry(unprocessedKeys, async () => {
    const { Responses, UnprocessedKeys } = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { ...read, Keys: pending } } }));
    found.push(...(Responses?.[tableName] ?? []));
    pending = (UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
    if (pending.length > 0) throw new UnprocessedKeysError(pending.length);
  });
  return found;
};
