import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createDevIssuer, type DevIssuer } from './dev-issuer';
import { devRoutes } from './dev-routes';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb';
import { startGateway, type Gateway } from './gateway';
import { createOutbox, type Outbox } from './outbox';
import { ensureTable, localClient } from './table';

/**
 * The whole local stack out of real parts: DynamoDB Local, the table as CDK defines it, the demo
 * directory, and the gateway in front of the very handler modules CDK deploys.
 */
export interface LocalStackOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Use an already running DynamoDB Local (tests start one per run); otherwise one is started. */
  readonly dynamoEndpoint?: string;
  /** Folder for DynamoDB Local's files; ignored when `inMemory`. */
  readonly dataDir?: string;
  readonly inMemory?: boolean;
  readonly tableName?: string;
  readonly seedDemo?: boolean;
  readonly accessLog?: (line: string) => void;
}

export interface LocalStack {
  readonly url: string;
  readonly issuer: DevIssuer;
  readonly outbox: Outbox;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  stop(): Promise<void>;
}

/** Handlers read their configuration from the environment at module load, as deployed. */
const configureEnvironment = (endpoint: string, tableName: string) => {
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    POWERTOOLS_SERVICE_NAME: 'yijian',
    // The machine runs Node.js 20; the SDK versions pinned in package-lock.json support it.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  // Local credentials must never come from a developer's real AWS profile.
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
};

const placeholderPage = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>意见箱 yijian</title></head>
<body><main><h1>意见箱</h1><p>提交表单即将上线。The form is coming.</p>
<ul><li><a href="/api/form">/api/form</a></li><li><a href="/api/openapi.json">/api/openapi.json</a></li></ul></main></body></html>`;

const servePages = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'self'",
    'x-content-type-options': 'nosniff',
  });
  res.end(placeholderPage);
};

export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const tableName = options.tableName ?? 'yijian';
  let dynamo: DynamoDbLocal | undefined;
  let gateway: Gateway | undefined;
  let issuer: DevIssuer;
  let outbox: Outbox;
  try {
    let endpoint = options.dynamoEndpoint;
    if (!endpoint) {
      const dbPath = options.inMemory ? undefined : resolve(options.dataDir ?? '.data', 'dynamodb');
      if (dbPath) mkdirSync(dbPath, { recursive: true });
      dynamo = await startDynamoDbLocal({ dbPath });
      endpoint = dynamo.endpoint;
    }
    configureEnvironment(endpoint, tableName);
    const client = localClient(endpoint);
    await ensureTable(client, tableName);
    client.destroy();
    if (options.seedDemo ?? true) {
      const [{ putDirectory }, { demoDirectory }] = await Promise.all([import('../shared/data/directory'), import('../shared/demo/directory')]);
      await putDirectory(demoDirectory, { onlyIfMissing: true });
    }
    const keep = !options.inMemory && !options.dynamoEndpoint;
    const dataDir = resolve(options.dataDir ?? '.data');
    issuer = await createDevIssuer(keep ? resolve(dataDir, 'dev-issuer-keys.json') : undefined);
    outbox = createOutbox(keep ? resolve(dataDir, 'outbox.jsonl') : undefined);
    const verify = issuer.verify;
    gateway = await startGateway({
      port: options.port,
      fallback: servePages,
      accessLog: options.accessLog,
      verifyToken: async (token) => (await verify(token)) as Record<string, unknown> | null,
      extraRoutes: devRoutes(issuer, outbox),
    });
  } catch (error) {
    await gateway?.close();
    await dynamo?.stop();
    throw error;
  }
  const started = gateway;
  return {
    url: started.url,
    issuer: issuer!,
    outbox: outbox!,
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT!,
    tableName,
    stop: async () => {
      await started.close();
      await dynamo?.stop();
    },
  };
};
