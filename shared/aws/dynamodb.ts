/**
 * A small DynamoDB client: the document commands of @aws-sdk/lib-dynamodb that the project uses,
 * with the same names and the same input and output shapes, over DynamoDB's JSON protocol,
 * signed by ./sigv4.ts and sent with node:http(s).
 *
 * Why: loading the SDK (client-dynamodb + lib-dynamodb) costs a fresh process about 130 ms, which
 * is most of every function's cold start (bench/what-if/). This file and its two neighbours are a
 * few kilobytes minified and load in a couple of milliseconds. Nothing here may import the SDK.
 *
 * What the SDK does and this does too: retries with its standard strategy's classification,
 * exponential backoff with full jitter and a retry quota; the same ClientRequestToken on every
 * attempt of a transaction (one is generated when the caller gives none, as the SDK does);
 * errors named after DynamoDB's `__type` with `$metadata`. What it does not: endpoint discovery,
 * clock-skew correction, credential sources other than the environment (or a given function).
 */
import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { marshallWire, unmarshallWire, type NativeAttributeValue } from './marshall';
import { signRequest, type Credentials } from './sigv4';

export type { NativeAttributeValue } from './marshall';
export type { Credentials } from './sigv4';

type Doc = Record<string, NativeAttributeValue>;
type Names = Record<string, string>;

// ---------------------------------------------------------------------------------------------
// Shapes: lib-dynamodb's, for the members the project uses (TableName may be undefined, as there).

export interface ResponseMetadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts?: number;
  totalRetryDelay?: number;
}
export interface Capacity {
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  CapacityUnits?: number;
}
export interface ConsumedCapacity extends Capacity {
  TableName?: string;
  Table?: Capacity;
  LocalSecondaryIndexes?: Record<string, Capacity>;
  GlobalSecondaryIndexes?: Record<string, Capacity>;
}
export interface ItemCollectionMetrics {
  ItemCollectionKey?: Doc;
  SizeEstimateRangeGB?: number[];
}
export type ReturnConsumedCapacity = 'INDEXES' | 'TOTAL' | 'NONE';
export type ReturnValue = 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';

interface Metered {
  ReturnConsumedCapacity?: ReturnConsumedCapacity;
}
interface Conditional {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Names;
  ExpressionAttributeValues?: Doc;
  ReturnValuesOnConditionCheckFailure?: 'ALL_OLD' | 'NONE';
}
interface Written extends Conditional, Metered {
  TableName: string | undefined;
  ReturnValues?: ReturnValue;
  ReturnItemCollectionMetrics?: 'SIZE' | 'NONE';
}
interface Output {
  $metadata: ResponseMetadata;
}
interface WriteOutput extends Output {
  Attributes?: Doc;
  ConsumedCapacity?: ConsumedCapacity;
  ItemCollectionMetrics?: ItemCollectionMetrics;
}

export interface GetCommandInput extends Metered {
  TableName: string | undefined;
  Key: Doc | undefined;
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Names;
}
export interface GetCommandOutput extends Output {
  Item?: Doc;
  ConsumedCapacity?: ConsumedCapacity;
}
export interface PutCommandInput extends Written {
  Item: Doc | undefined;
}
export type PutCommandOutput = WriteOutput;
export interface UpdateCommandInput extends Written {
  Key: Doc | undefined;
  UpdateExpression?: string;
}
export type UpdateCommandOutput = WriteOutput;
export interface DeleteCommandInput extends Written {
  Key: Doc | undefined;
}
export type DeleteCommandOutput = WriteOutput;
export interface QueryCommandInput extends Metered {
  TableName: string | undefined;
  IndexName?: string;
  KeyConditionExpression?: string;
  FilterExpression?: string;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Names;
  ExpressionAttributeValues?: Doc;
  Select?: 'ALL_ATTRIBUTES' | 'ALL_PROJECTED_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';
  Limit?: number;
  ConsistentRead?: boolean;
  ScanIndexForward?: boolean;
  ExclusiveStartKey?: Doc;
}
export interface QueryCommandOutput extends Output {
  Items?: Doc[];
  Count?: number;
  ScannedCount?: number;
  LastEvaluatedKey?: Doc;
  ConsumedCapacity?: ConsumedCapacity;
}
export interface ScanCommandInput extends Omit<QueryCommandInput, 'KeyConditionExpression' | 'ScanIndexForward'> {
  Segment?: number;
  TotalSegments?: number;
}
export type ScanCommandOutput = QueryCommandOutput;
export interface TransactWriteItem {
  ConditionCheck?: Omit<Written, 'ReturnValues' | 'ReturnItemCollectionMetrics' | 'ReturnConsumedCapacity'> & { Key: Doc | undefined; ConditionExpression: string | undefined };
  Put?: Omit<PutCommandInput, 'ReturnValues' | 'ReturnItemCollectionMetrics' | 'ReturnConsumedCapacity'>;
  Update?: Omit<UpdateCommandInput, 'ReturnValues' | 'ReturnItemCollectionMetrics' | 'ReturnConsumedCapacity'> & { UpdateExpression: string | undefined };
  Delete?: Omit<DeleteCommandInput, 'ReturnValues' | 'ReturnItemCollectionMetrics' | 'ReturnConsumedCapacity'>;
}
export interface TransactWriteCommandInput extends Metered {
  TransactItems: TransactWriteItem[] | undefined;
  ClientRequestToken?: string;
  ReturnItemCollectionMetrics?: 'SIZE' | 'NONE';
}
export interface TransactWriteCommandOutput extends Output {
  ConsumedCapacity?: ConsumedCapacity[];
  ItemCollectionMetrics?: Record<string, ItemCollectionMetrics[]>;
}
export interface WriteRequest {
  PutRequest?: { Item: Doc | undefined };
  DeleteRequest?: { Key: Doc | undefined };
}
export interface BatchWriteCommandInput extends Metered {
  RequestItems: Record<string, WriteRequest[]> | undefined;
  ReturnItemCollectionMetrics?: 'SIZE' | 'NONE';
}
export interface BatchWriteCommandOutput extends Output {
  UnprocessedItems?: Record<string, WriteRequest[]>;
  ConsumedCapacity?: ConsumedCapacity[];
  ItemCollectionMetrics?: Record<string, ItemCollectionMetrics[]>;
}
export interface KeysAndAttributes {
  Keys: Doc[] | undefined;
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Names;
}
export interface BatchGetCommandInput extends Metered {
  RequestItems: Record<string, KeysAndAttributes> | undefined;
}
export interface BatchGetCommandOutput extends Output {
  Responses?: Record<string, Doc[]>;
  UnprocessedKeys?: Record<string, KeysAndAttributes>;
  ConsumedCapacity?: ConsumedCapacity[];
}

// ---------------------------------------------------------------------------------------------
// Commands. Each names its DynamoDB operation; the table below says where documents sit in its
// input and output, as lib-dynamodb's inputKeyNodes/outputKeyNodes do. A path segment is a member
// name, `a|b` for several, `*` for every element or value.

export abstract class Command<Input extends object, Out extends object> {
  abstract readonly operation: string;
  /** Never set: lets `send` infer the output type. */
  declare readonly $output?: Out;
  constructor(readonly input: Input) {}
}
export class GetCommand extends Command<GetCommandInput, GetCommandOutput> {
  readonly operation = 'GetItem';
}
export class PutCommand extends Command<PutCommandInput, PutCommandOutput> {
  readonly operation = 'PutItem';
}
export class UpdateCommand extends Command<UpdateCommandInput, UpdateCommandOutput> {
  readonly operation = 'UpdateItem';
}
export class DeleteCommand extends Command<DeleteCommandInput, DeleteCommandOutput> {
  readonly operation = 'DeleteItem';
}
export class QueryCommand extends Command<QueryCommandInput, QueryCommandOutput> {
  readonly operation = 'Query';
}
export class ScanCommand extends Command<ScanCommandInput, ScanCommandOutput> {
  readonly operation = 'Scan';
}
export class TransactWriteCommand extends Command<TransactWriteCommandInput, TransactWriteCommandOutput> {
  readonly operation = 'TransactWriteItems';
}
export class BatchWriteCommand extends Command<BatchWriteCommandInput, BatchWriteCommandOutput> {
  readonly operation = 'BatchWriteItem';
}
export class BatchGetCommand extends Command<BatchGetCommandInput, BatchGetCommandOutput> {
  readonly operation = 'BatchGetItem';
}

const written = 'Attributes ItemCollectionMetrics.ItemCollectionKey';
const collections = 'ItemCollectionMetrics.*.*.ItemCollectionKey';
const requests = '*.*.PutRequest|DeleteRequest.Item|Key';
const documents: Record<string, readonly [input: string, output: string]> = {
  GetItem: ['Key', 'Item'],
  PutItem: ['Item|ExpressionAttributeValues', written],
  UpdateItem: ['Key|ExpressionAttributeValues', written],
  DeleteItem: ['Key|ExpressionAttributeValues', written],
  Query: ['ExclusiveStartKey|ExpressionAttributeValues', 'Items.* LastEvaluatedKey'],
  Scan: ['ExclusiveStartKey|ExpressionAttributeValues', 'Items.* LastEvaluatedKey'],
  TransactWriteItems: ['TransactItems.*.ConditionCheck|Put|Update|Delete.Key|Item|ExpressionAttributeValues', collections],
  BatchWriteItem: [`RequestItems.${requests}`, `UnprocessedItems.${requests} ${collections}`],
  BatchGetItem: ['RequestItems.*.Keys.*', 'Responses.*.* UnprocessedKeys.*.Keys.*'],
};

type Json = Record<string, unknown>;
type Convert = (record: Json) => Json;
const toWire = marshallWire as Convert;
const fromWire = unmarshallWire as Convert;

/** Copies `value` with `convert` applied at `path` (copies, so a retried or shared input is never changed). */
const at = (value: unknown, path: string[], convert: Convert, i = 0): unknown => {
  if (value === null || typeof value !== 'object') return value;
  if (i === path.length) return convert(value as Json);
  const out: Json = Array.isArray(value) ? ([...value] as unknown as Json) : { ...value };
  for (const k of path[i] === '*' ? Object.keys(out) : path[i].split('|')) if (out[k] !== undefined) out[k] = at(out[k], path, convert, i + 1);
  return out;
};
const convertAt = (value: Json, paths: string, convert: Convert): Json =>
  paths ? paths.split(' ').reduce((v, p) => at(v, p.split('.'), convert) as Json, value) : value;

// ---------------------------------------------------------------------------------------------
// Errors.

export class DynamoDbError extends Error {
  $fault: 'client' | 'server' = 'client';
  $metadata: ResponseMetadata = {};
  constructor(message: string, name = 'DynamoDbError') {
    super(message);
    this.name = name;
  }
}
export class ConditionalCheckFailedException extends DynamoDbError {
  /** The item as it was, with ReturnValuesOnConditionCheckFailure: 'ALL_OLD' (a document here). */
  declare Item?: Doc;
  constructor(message: string) {
    super(message, 'ConditionalCheckFailedException');
  }
}
export interface CancellationReason {
  Code?: string;
  Message?: string;
  Item?: Doc;
}
export class TransactionCanceledException extends DynamoDbError {
  /** One per TransactItems entry, in order; Code 'None' for the entries that were fine. */
  declare CancellationReasons?: CancellationReason[];
  constructor(message: string) {
    super(message, 'TransactionCanceledException');
  }
}

/** The SDK's standard retry classification (@smithy/core retry: service-error-classification). */
const throttlingNames = new Set(
  'BandwidthLimitExceeded EC2ThrottledException LimitExceededException PriorRequestNotComplete ProvisionedThroughputExceededException RequestLimitExceeded RequestThrottled RequestThrottledException SlowDown ThrottledException Throttling ThrottlingException TooManyRequestsException TransactionInProgressException'.split(' '),
);
const transientNames = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
const networkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const transientStatus = new Set([500, 502, 503, 504]);

type Failure = Error & { code?: string; $metadata?: ResponseMetadata };
const isRetryable = (e: Failure) => {
  const status = e.$metadata?.httpStatusCode ?? 0;
  return status === 429 || transientStatus.has(status) || throttlingNames.has(e.name) || transientNames.has(e.name) || networkCodes.has(e.code ?? '');
};

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` -> `ConditionalCheckFailedException`, as the SDK cleans it. */
const errorName = (raw: unknown) => {
  let s = String(raw ?? '');
  s = s.split(',')[0].split(':')[0];
  return (s.includes('#') ? s.split('#')[1] : s) || 'UnknownError';
};

const serviceError = (status: number, headers: IncomingHttpHeaders, data: Json): DynamoDbError => {
  const name = errorName(data.__type ?? data.code ?? headers['x-amzn-errortype']);
  const message = String(data.message ?? data.Message ?? 'UnknownError');
  const error =
    name === 'ConditionalCheckFailedException'
      ? new ConditionalCheckFailedException(message)
      : name === 'TransactionCanceledException'
        ? new TransactionCanceledException(message)
        : new DynamoDbError(message, name);
  const { __type, message: _m, Message: _M, code: _c, ...members } = convertAt(data, 'Item CancellationReasons.*.Item', fromWire);
  Object.assign(error, members);
  error.$fault = status >= 500 ? 'server' : 'client';
  error.$metadata = { httpStatusCode: status, requestId: headers['x-amzn-requestid'] as string | undefined };
  return error;
};

const timeoutError = (message: string) => Object.assign(new Error(message), { name: 'TimeoutError' });

// ---------------------------------------------------------------------------------------------
// The client.

export interface DynamoClientOptions {
  /** Default: DYNAMODB_ENDPOINT, else https://dynamodb.<region>.amazonaws.com */
  endpoint?: string;
  /** Default: AWS_REGION */
  region?: string;
  /** Attempts in all, the first included. Default 4. */
  maxAttempts?: number;
  /** Gives up an attempt (and retries it) after this long, from sending to the last byte; 0 = never. */
  requestTimeoutMs?: number;
  /** Gives up an attempt whose connection is not made within this long; 0 = never. */
  connectTimeoutMs?: number;
  /** Called for every attempt. Default: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN. */
  credentials?: () => Credentials;
}

export interface DynamoClientConfig {
  readonly endpoint: string;
  readonly region: string | undefined;
  readonly maxAttempts: number;
  readonly requestTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

/**
 * Wraps every `send`: sees the operation name ('GetItem', 'TransactWriteItems', ...) and the
 * document-form input, may change the input, must call `next` once, sees the document-form output
 * (retries happen inside `next`). Interceptors run in the order they were added, the first outermost.
 */
export type Interceptor = (operation: string, input: Json, next: (input: Json) => Promise<Json>) => Promise<Json>;

/** Read at every attempt: Lambda rotates its credentials under a running process. */
const environmentCredentials = (): Credentials => {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) throw Object.assign(new Error('Could not load credentials from the environment'), { name: 'CredentialsProviderError' });
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The SDK's retry quota: a retry spends tokens, a success gives some back; an outage cannot triple the load. */
const quotaSize = 500;

export class DynamoClient {
  readonly config: DynamoClientConfig;
  private readonly url: URL | undefined;
  private readonly agent: HttpAgent;
  private readonly https: typeof import('node:https') | undefined;
  private readonly credentials: () => Credentials;
  private readonly interceptors: Interceptor[] = [];
  private quota = quotaSize;

  constructor(options: DynamoClientOptions = {}) {
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    const endpoint = options.endpoint ?? (process.env.DYNAMODB_ENDPOINT || (region ? `https://dynamodb.${region}.amazonaws.com` : ''));
    this.config = {
      endpoint,
      region,
      maxAttempts: Math.max(1, options.maxAttempts ?? 4),
      requestTimeoutMs: options.requestTimeoutMs ?? 0,
      connectTimeoutMs: options.connectTimeoutMs ?? 0,
    };
    if (endpoint) {
      this.url = new URL(endpoint);
      // The JSON protocol posts to the endpoint's path, which the SDK makes end in a slash.
      if (!this.url.pathname.endsWith('/')) this.url.pathname += '/';
    }
    // Keep-alive: a warm Lambda reuses the process, and with it the TLS connection. node:https (and
    // with it node:tls) is loaded only for an https endpoint: against DynamoDB Local it is never
    // needed, and loading it is a few milliseconds of every cold start.
    this.https = this.url?.protocol === 'http:' ? undefined : process.getBuiltinModule('node:https');
    this.agent = this.https ? new this.https.Agent({ keepAlive: true, maxSockets: 50 }) : new HttpAgent({ keepAlive: true, maxSockets: 50 });
    this.credentials = options.credentials ?? environmentCredentials;
  }

  /** Adds an interceptor; returns a function that removes it. */
  use(interceptor: Interceptor): () => void {
    this.interceptors.push(interceptor);
    return () => {
      const i = this.interceptors.indexOf(interceptor);
      if (i >= 0) this.interceptors.splice(i, 1);
    };
  }

  send<I extends object, O extends object>(command: Command<I, O>): Promise<O> {
    const { operation } = command;
    const chain = [...this.interceptors];
    const run = (i: number, input: Json): Promise<Json> =>
      i < chain.length ? chain[i](operation, input, (next) => run(i + 1, next)) : this.call(operation, input);
    // A copy: interceptors may add members (ReturnConsumedCapacity) without touching the caller's object.
    return run(0, { ...(command.input as Json) }) as Promise<O>;
  }

  /** Closes the kept-alive connections (a process that must exit promptly). */
  destroy(): void {
    this.agent.destroy();
  }

  private async call(operation: string, input: Json): Promise<Json> {
    const [inPaths, outPaths] = documents[operation] ?? ['', ''];
    // The SDK fills the idempotency token when the caller gives none: a retry is then applied once.
    if (operation === 'TransactWriteItems' && input.ClientRequestToken === undefined) input = { ...input, ClientRequestToken: randomUUID() };
    // Serialised once: every attempt sends the same bytes, the same ClientRequestToken included.
    const body = JSON.stringify(convertAt(input, inPaths, toWire));
    let totalRetryDelay = 0;
    let cost = 0;
    for (let attempts = 1; ; attempts++) {
      try {
        const { status, headers, text } = await this.post(operation, body);
        let data: Json | undefined;
        try {
          data = text ? (JSON.parse(text) as Json) : {};
        } catch {
          // JSON.parse quotes the text it fails on: the message must not carry response data.
          if (status < 300) throw Object.assign(new DynamoDbError(`unreadable response (HTTP ${status})`, 'DeserializationError'), { $metadata: { httpStatusCode: status } });
        }
        if (status >= 300) throw serviceError(status, headers, data ?? {});
        this.quota = Math.min(quotaSize, this.quota + (cost || 1));
        const output = convertAt(data ?? {}, outPaths, fromWire);
        output.$metadata = { httpStatusCode: status, requestId: headers['x-amzn-requestid'], attempts, totalRetryDelay };
        return output;
      } catch (error) {
        const e = (error instanceof Error ? error : new Error(String(error))) as Failure;
        cost = e.name === 'TimeoutError' ? 10 : 5;
        if (attempts >= this.config.maxAttempts || !isRetryable(e) || this.quota < cost) {
          e.$metadata = { ...e.$metadata, attempts, totalRetryDelay };
          throw e;
        }
        this.quota -= cost;
        // Full jitter: a random wait up to 100 ms × 2^retry, at most 20 s.
        const delay = Math.floor(Math.random() * Math.min(20_000, 100 * 2 ** (attempts - 1)));
        totalRetryDelay += delay;
        await sleep(delay);
      }
    }
  }

  private post(operation: string, body: string): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
    const { url, config } = this;
    if (!url || !config.region) throw new Error('Region is missing');
    const headers = signRequest(
      {
        method: 'POST',
        host: url.host,
        path: url.pathname,
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` },
        body,
      },
      { region: config.region, service: 'dynamodb', credentials: this.credentials() },
    );
    headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      const fail = (e: Error) => {
        timers.forEach(clearTimeout);
        reject(e);
      };
      const request = this.https ? this.https.request : httpRequest;
      const req = request(url, { method: 'POST', headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          timers.forEach(clearTimeout);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', fail);
        res.on('close', () => res.complete || fail(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })));
      });
      req.on('error', fail);
      const giveUpAfter = (ms: number, what: string) => {
        const timer = setTimeout(() => {
          const e = timeoutError(`${what} timed out after ${ms} ms`);
          fail(e);
          req.destroy(e);
        }, ms);
        timers.push(timer);
        return timer;
      };
      if (config.requestTimeoutMs > 0) giveUpAfter(config.requestTimeoutMs, 'Request');
      if (config.connectTimeoutMs > 0) {
        req.once('socket', (socket) => {
          if (!socket.connecting) return; // a kept-alive connection
          const timer = giveUpAfter(config.connectTimeoutMs, 'Connection');
          socket.once('connect', () => clearTimeout(timer));
        });
      }
      req.end(body);
    });
  }
}

export const createDynamoClient = (options?: DynamoClientOptions): DynamoClient => new DynamoClient(options);
