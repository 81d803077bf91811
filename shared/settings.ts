/**
 * Every setting a function takes from its environment, read by one parser once per cold start
 * (shared/deps.ts): a value that does not parse stops the cold start with a message that names
 * the variable, instead of a wrong default or a failure on some later request.
 *
 * Nothing else reads `process.env` for configuration: services get these settings through `deps`.
 */
export type Env = Readonly<Record<string, string | undefined>>;

export interface RateLimit {
  readonly limit: number;
  readonly windowSeconds: number;
}

export interface JwtSettings {
  readonly issuer: string;
  readonly clientId: string;
  /** Only locally: where the local issuer serves its JWKS (deployed, aws-jwt-verify derives it from the issuer). */
  readonly jwksUri?: string;
}

export interface Settings {
  /** TABLE_NAME (set by infra's bindTable, or by the local stack). Checked where the table is used: the OpenAPI function has none. */
  readonly tableName?: string;
  /** DYNAMODB_ENDPOINT: only set locally (DynamoDB Local). Deployed, the SDK resolves the regional endpoint. */
  readonly dynamoEndpoint?: string;
  /** YIJIAN_DYNAMODB_TIMEOUT_MS: a DynamoDB request's timeout; 0 (the default against a local endpoint) waits. */
  readonly dynamoTimeoutMs: number;
  /** YIJIAN_RATE_LIMIT: public writes per client address and window without a proof of work; null when `off`. */
  readonly rateLimit: RateLimit | null;
  /** YIJIAN_ROOM_LIMIT: public writes per client address and window with a proof of work (the room's ceiling); null when `off`. */
  readonly roomLimit: RateLimit | null;
  /** YIJIAN_CHALLENGE_COST: PBKDF2 iterations per attempt of an ALTCHA challenge (shared/services/room.ts). */
  readonly challengeCost: number;
  /**
   * YIJIAN_ROOM_SECRET_ARN: deployed, the Secrets Manager secret that keys address hashes and signs
   * challenges (shared/services/room-secret.ts). YIJIAN_ROOM_SECRET: locally, the secret itself (the
   * local stack keeps one in its data dir). Neither: a random secret of this process.
   */
  readonly roomSecretArn?: string;
  readonly roomSecret?: string;
  /**
   * YIJIAN_ORIGIN_VERIFY_SECRET: the secret our CloudFront adds to the requests it sends to the API
   * (shared/http/client-address.ts). Unset locally and on the functions that do not rate limit.
   */
  readonly originVerifySecret?: string;
  /** YIJIAN_AUTO_CLOSE_DAYS: an answered item the submitter has not rated is closed after this many days. */
  readonly autoCloseDays: number;
  /**
   * YIJIAN_CONTACT_RETENTION_DAYS: the sweeper removes a submitter's contact details this many days
   * after the item ended (closed, rejected or merged): personal information is kept no longer than
   * the office can need it.
   */
  readonly contactRetentionDays: number;
  /** YIJIAN_DIRECTORY_CACHE_MS: how long a process keeps the directory it read (shared/services/directory.ts). */
  readonly directoryCacheMs: number;
  /** YIJIAN_PUBLIC_URL: where submitters track their items (links in e-mail), without a trailing slash. */
  readonly publicUrl: string;
  /** YIJIAN_MAIL_FROM: the sender of every notification (SES). */
  readonly mailFrom?: string;
  /** YIJIAN_MAIL_OUTBOX: set locally only; mail is then a line in this file instead of an SES request. */
  readonly mailOutbox?: string;
  /** YIJIAN_JWT_ISSUER, YIJIAN_JWT_CLIENT_ID, YIJIAN_JWT_JWKS_URI: whose tokens a function that verifies its own accepts. */
  readonly jwt?: JwtSettings;
  /** YIJIAN_CLOCK_OFFSET_MS: shifts the clock of a whole process (local stack only; never set deployed). */
  readonly clockOffsetMs: number;
  /** ATTACHMENTS_BUCKET (set by infra's bindBucket, or by the local stack). Checked where attachments are used. */
  readonly attachmentsBucket?: string;
  /** S3_ENDPOINT: only set locally (the S3-compatible server on 127.0.0.1); path-style addressing then. */
  readonly s3Endpoint?: string;
  /** YIJIAN_DOWNLOAD_URL_SECONDS: how long a signed download URL is good for (at most `maxDownloadUrlSeconds`, API.md v2). */
  readonly downloadUrlSeconds: number;
  /** YIJIAN_UPLOAD_URL_SECONDS: how long a presigned upload may start after it was handed out. */
  readonly uploadUrlSeconds: number;
}

export const originVerifyEnvName = 'YIJIAN_ORIGIN_VERIFY_SECRET';
/** Shorter than this, a guessed or truncated value would let a caller choose its own address. */
export const originVerifyMinLength = 32;
const defaultRateLimit = '10/600';
const defaultRoomLimit = '2000/600';
/** Measured: solved in a page in 0.4 s (median; p90 1 s) on a 2-core machine under load, so a phone has room (bench/run.ts `targets.roomSolveMs`). */
export const defaultChallengeCost = 3000;
export const defaultAutoCloseDays = 7;
export const defaultContactRetentionDays = 180;
/** Some hundred years: a value beyond it is a typo, not a policy. */
export const maxContactRetentionDays = 36_500;
export const defaultDirectoryCacheMs = 1000;
/** A longer cache would hold a directory PUT's answer back (it waits out every cache) too long. */
export const maxDirectoryCacheMs = 60_000;
/** Deployed, a hanging DynamoDB request is given up well inside the API's timeout, and retried. */
export const deployedDynamoTimeoutMs = 1500;
export const defaultPublicUrl = 'http://127.0.0.1:3000';
/** The contract's ceiling for a signed download URL (API.md v2, "Attachments"). */
export const maxDownloadUrlSeconds = 300;
/** Long enough for a phone on a slow line to send the largest file (`maxAttachmentBytes`); the id stays good longer (`uploadLifetimeSeconds`). */
export const defaultUploadUrlSeconds = 900;

/** Unset and empty are the same: infra and shells write an empty value for "none". */
const optional = (env: Env, name: string): string | undefined => (env[name] === '' ? undefined : env[name]);

const invalid = (name: string, expected: string, value: string | undefined) => new Error(`${name} must be ${expected}, not "${value}"`);

const integer = (env: Env, name: string, fallback: number, min: number, max: number): number => {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min || n > max) throw invalid(name, `an integer from ${min} to ${max}`, raw);
  return n;
};

/** `<requests>/<seconds>` (like 10/600), or `off`. */
const parseRateLimit = (env: Env, name: string, fallback: string): RateLimit | null => {
  const value = optional(env, name);
  const text = (value ?? fallback).trim().toLowerCase();
  if (text === 'off') return null;
  const m = /^(\d{1,6})\/(\d{1,7})$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw invalid(name, '<requests>/<seconds> (like 10/600) or off', value);
  return { limit: Number(m[1]), windowSeconds: Number(m[2]) };
};

/** Shorter than this, the secret could be guessed and every address hash reversed. */
export const roomSecretMinLength = 32;

const readRoomSecret = (env: Env): string | undefined => {
  const value = optional(env, 'YIJIAN_ROOM_SECRET');
  // The value itself is never part of the message: it is a secret.
  if (value !== undefined && value.length < roomSecretMinLength) throw new Error(`YIJIAN_ROOM_SECRET must be at least ${roomSecretMinLength} characters`);
  return value;
};

const readOriginVerifySecret = (env: Env): string | undefined => {
  const value = optional(env, originVerifyEnvName);
  // The value itself is never part of the message: it is a secret.
  if (value !== undefined && value.length < originVerifyMinLength) throw new Error(`${originVerifyEnvName} must be at least ${originVerifyMinLength} characters`);
  return value;
};

const readAutoCloseDays = (env: Env): number => {
  const raw = optional(env, 'YIJIAN_AUTO_CLOSE_DAYS');
  if (raw === undefined) return defaultAutoCloseDays;
  const days = Number(raw);
  if (!Number.isFinite(days) || days <= 0) throw invalid('YIJIAN_AUTO_CLOSE_DAYS', 'a positive number', raw);
  return days;
};

const readPublicUrl = (env: Env): string => {
  const raw = optional(env, 'YIJIAN_PUBLIC_URL') ?? defaultPublicUrl;
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) throw invalid('YIJIAN_PUBLIC_URL', 'an http(s) URL', raw);
  return raw.replace(/\/+$/, '');
};

const readJwt = (env: Env): JwtSettings | undefined => {
  const issuer = optional(env, 'YIJIAN_JWT_ISSUER');
  if (issuer === undefined) return undefined;
  const clientId = optional(env, 'YIJIAN_JWT_CLIENT_ID');
  // A client id missing beside an issuer is a broken deployment: fail at cold start, not per request.
  if (clientId === undefined) throw new Error('YIJIAN_JWT_CLIENT_ID must be set where YIJIAN_JWT_ISSUER is');
  const jwksUri = optional(env, 'YIJIAN_JWT_JWKS_URI');
  return { issuer, clientId, ...(jwksUri ? { jwksUri } : {}) };
};

/** Parses the whole configuration; throws on the first invalid value, naming its variable. */
export const readSettings = (env: Env): Settings => {
  const dynamoEndpoint = optional(env, 'DYNAMODB_ENDPOINT');
  return {
    tableName: optional(env, 'TABLE_NAME'),
    dynamoEndpoint,
    // DynamoDB Local can be slow under a test run's load: against it, no timeout unless asked for.
    dynamoTimeoutMs: integer(env, 'YIJIAN_DYNAMODB_TIMEOUT_MS', dynamoEndpoint ? 0 : deployedDynamoTimeoutMs, 0, 60_000),
    rateLimit: parseRateLimit(env, 'YIJIAN_RATE_LIMIT', defaultRateLimit),
    roomLimit: parseRateLimit(env, 'YIJIAN_ROOM_LIMIT', defaultRoomLimit),
    challengeCost: integer(env, 'YIJIAN_CHALLENGE_COST', defaultChallengeCost, 1, 1_000_000),
    roomSecretArn: optional(env, 'YIJIAN_ROOM_SECRET_ARN'),
    roomSecret: readRoomSecret(env),
    originVerifySecret: readOriginVerifySecret(env),
    autoCloseDays: readAutoCloseDays(env),
    contactRetentionDays: integer(env, 'YIJIAN_CONTACT_RETENTION_DAYS', defaultContactRetentionDays, 1, maxContactRetentionDays),
    directoryCacheMs: integer(env, 'YIJIAN_DIRECTORY_CACHE_MS', defaultDirectoryCacheMs, 0, maxDirectoryCacheMs),
    publicUrl: readPublicUrl(env),
    mailFrom: optional(env, 'YIJIAN_MAIL_FROM'),
    mailOutbox: optional(env, 'YIJIAN_MAIL_OUTBOX'),
    jwt: readJwt(env),
    clockOffsetMs: integer(env, 'YIJIAN_CLOCK_OFFSET_MS', 0, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    attachmentsBucket: optional(env, 'ATTACHMENTS_BUCKET'),
    s3Endpoint: optional(env, 'S3_ENDPOINT'),
    downloadUrlSeconds: integer(env, 'YIJIAN_DOWNLOAD_URL_SECONDS', maxDownloadUrlSeconds, 1, maxDownloadUrlSeconds),
    uploadUrlSeconds: integer(env, 'YIJIAN_UPLOAD_URL_SECONDS', defaultUploadUrlSeconds, 60, 3600),
  };
};
