import { describe, expect, it } from 'vitest';
import { createDeps } from '../../shared/deps';
import {
  defaultAutoCloseDays,
  defaultChallengeCost,
  defaultContactRetentionDays,
  defaultDirectoryCacheMs,
  defaultPublicUrl,
  deployedDynamoTimeoutMs,
  maxDirectoryCacheMs,
  originVerifyEnvName,
  originVerifyMinLength,
  readSettings,
  maxDownloadUrlSeconds,
  defaultUploadUrlSeconds,
  roomSecretMinLength,
} from '../../shared/settings';

/** The one parser of the environment (shared/settings.ts): defaults, and every invalid value refused by name. */

const secret = 'x'.repeat(originVerifyMinLength);
const roomSecret = 'r'.repeat(roomSecretMinLength);

describe('settings', () => {
  it('have defaults for everything but the table (deployed: no endpoint, a request timeout)', () => {
    expect(readSettings({})).toEqual({
      tableName: undefined,
      dynamoEndpoint: undefined,
      dynamoTimeoutMs: deployedDynamoTimeoutMs,
      rateLimit: { limit: 10, windowSeconds: 600 },
      roomLimit: { limit: 2000, windowSeconds: 600 },
      challengeCost: defaultChallengeCost,
      roomSecretArn: undefined,
      roomSecret: undefined,
      originVerifySecret: undefined,
      autoCloseDays: defaultAutoCloseDays,
      contactRetentionDays: defaultContactRetentionDays,
      directoryCacheMs: defaultDirectoryCacheMs,
      publicUrl: defaultPublicUrl,
      mailFrom: undefined,
      mailOutbox: undefined,
      jwt: undefined,
      clockOffsetMs: 0,
      attachmentsBucket: undefined,
      s3Endpoint: undefined,
      downloadUrlSeconds: maxDownloadUrlSeconds,
      uploadUrlSeconds: defaultUploadUrlSeconds,
    });
  });

  it('read every variable', () => {
    expect(
      readSettings({
        TABLE_NAME: 't',
        DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
        YIJIAN_RATE_LIMIT: '3/60',
        YIJIAN_ROOM_LIMIT: '300/3600',
        YIJIAN_CHALLENGE_COST: '5',
        YIJIAN_ROOM_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:room-AbCdEf',
        YIJIAN_ROOM_SECRET: roomSecret,
        [originVerifyEnvName]: secret,
        YIJIAN_AUTO_CLOSE_DAYS: '2.5',
        YIJIAN_CONTACT_RETENTION_DAYS: '30',
        YIJIAN_DIRECTORY_CACHE_MS: '0',
        YIJIAN_PUBLIC_URL: 'https://desk.example.org//',
        YIJIAN_MAIL_FROM: 'desk@example.org',
        YIJIAN_MAIL_OUTBOX: '/tmp/outbox.jsonl',
        YIJIAN_JWT_ISSUER: 'https://issuer.example',
        YIJIAN_JWT_CLIENT_ID: 'client',
        YIJIAN_JWT_JWKS_URI: 'http://127.0.0.1:3000/api/dev/jwks.json',
        YIJIAN_CLOCK_OFFSET_MS: '-86400000',
        ATTACHMENTS_BUCKET: 'b',
        S3_ENDPOINT: 'http://127.0.0.1:4568',
        YIJIAN_DOWNLOAD_URL_SECONDS: '60',
        YIJIAN_UPLOAD_URL_SECONDS: '120',
      }),
    ).toEqual({
      tableName: 't',
      dynamoEndpoint: 'http://127.0.0.1:8000',
      // Against a local endpoint no request timeout unless one is asked for.
      dynamoTimeoutMs: 0,
      rateLimit: { limit: 3, windowSeconds: 60 },
      roomLimit: { limit: 300, windowSeconds: 3600 },
      challengeCost: 5,
      roomSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:room-AbCdEf',
      roomSecret,
      originVerifySecret: secret,
      autoCloseDays: 2.5,
      contactRetentionDays: 30,
      directoryCacheMs: 0,
      publicUrl: 'https://desk.example.org',
      mailFrom: 'desk@example.org',
      mailOutbox: '/tmp/outbox.jsonl',
      jwt: { issuer: 'https://issuer.example', clientId: 'client', jwksUri: 'http://127.0.0.1:3000/api/dev/jwks.json' },
      clockOffsetMs: -86_400_000,
      attachmentsBucket: 'b',
      s3Endpoint: 'http://127.0.0.1:4568',
      downloadUrlSeconds: 60,
      uploadUrlSeconds: 120,
    });
    expect(readSettings({ YIJIAN_RATE_LIMIT: 'OFF' }).rateLimit).toBeNull();
    expect(readSettings({ YIJIAN_ROOM_LIMIT: 'off' }).roomLimit).toBeNull();
    expect(readSettings({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', YIJIAN_DYNAMODB_TIMEOUT_MS: '250' }).dynamoTimeoutMs).toBe(250);
  });

  it('take an empty value for unset', () => {
    expect(readSettings({ TABLE_NAME: '', YIJIAN_RATE_LIMIT: '', [originVerifyEnvName]: '', YIJIAN_JWT_ISSUER: '' })).toMatchObject({
      tableName: undefined,
      rateLimit: { limit: 10, windowSeconds: 600 },
      originVerifySecret: undefined,
      jwt: undefined,
    });
  });

  const refused: [string, string][] = [
    ['YIJIAN_RATE_LIMIT', '10'],
    ['YIJIAN_RATE_LIMIT', '0/600'],
    ['YIJIAN_RATE_LIMIT', '10/0'],
    ['YIJIAN_RATE_LIMIT', 'ten/600'],
    ['YIJIAN_ROOM_LIMIT', '2000'],
    ['YIJIAN_ROOM_LIMIT', '0/600'],
    ['YIJIAN_CHALLENGE_COST', '0'],
    ['YIJIAN_CHALLENGE_COST', 'cheap'],
    ['YIJIAN_AUTO_CLOSE_DAYS', '0'],
    ['YIJIAN_AUTO_CLOSE_DAYS', '-1'],
    ['YIJIAN_AUTO_CLOSE_DAYS', 'seven'],
    ['YIJIAN_CONTACT_RETENTION_DAYS', '0'],
    ['YIJIAN_CONTACT_RETENTION_DAYS', '1.5'],
    ['YIJIAN_CONTACT_RETENTION_DAYS', 'half a year'],
    ['YIJIAN_DIRECTORY_CACHE_MS', '-1'],
    ['YIJIAN_DIRECTORY_CACHE_MS', String(maxDirectoryCacheMs + 1)],
    ['YIJIAN_DIRECTORY_CACHE_MS', '1.5'],
    ['YIJIAN_DYNAMODB_TIMEOUT_MS', 'soon'],
    ['YIJIAN_DYNAMODB_TIMEOUT_MS', '-5'],
    ['YIJIAN_PUBLIC_URL', 'desk.example.org'],
    ['YIJIAN_PUBLIC_URL', 'ftp://desk.example.org'],
    ['YIJIAN_CLOCK_OFFSET_MS', 'tomorrow'],
  ];
  it.each(refused)('refuse %s=%s, naming the variable', (name, value) => {
    expect(() => readSettings({ [name]: value })).toThrow(new RegExp(`^${name} must be .*"${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`));
  });

  it('refuse a short origin secret without repeating it, and an issuer without a client id', () => {
    expect(() => readSettings({ [originVerifyEnvName]: 'short-secret' })).toThrow(`${originVerifyEnvName} must be at least ${originVerifyMinLength} characters`);
    try {
      readSettings({ [originVerifyEnvName]: 'short-secret' });
    } catch (error) {
      expect((error as Error).message).not.toContain('short-secret');
    }
    expect(() => readSettings({ YIJIAN_JWT_ISSUER: 'https://issuer.example' })).toThrow(/^YIJIAN_JWT_CLIENT_ID must be set/);
    expect(() => readSettings({ YIJIAN_ROOM_SECRET: 'short-room-secret' })).toThrow(/^YIJIAN_ROOM_SECRET must be at least/);
  });
});

describe('deps', () => {
  it('ask for the table only when the table is used', () => {
    const deps = createDeps({});
    expect(deps.settings.tableName).toBeUndefined();
    expect(() => deps.db).toThrow('missing environment variable TABLE_NAME');
  });

  it('take the parts a test gives them', () => {
    const clock = { now: () => new Date('2026-12-01T00:00:00Z') };
    const deps = createDeps({ TABLE_NAME: 'unused' }, { clock });
    expect(deps.clock).toBe(clock);
    expect(deps.db.tableName).toBe('unused');
    // Once per cold start: the same client on every use.
    expect(deps.db.client).toBe(deps.db.client);
  });
});

describe('the mailer', () => {
  it('gives a send up within the notification lease, so a claim outlives every send', async () => {
    const [{ sesRequestTimeoutMs }, { leaseMs }] = await Promise.all([import('../../shared/notify/mailer'), import('../../shared/data/notifications')]);
    expect(sesRequestTimeoutMs).toBeLessThan(leaseMs);
  });

  it('gives a robot\'s post up within the lease too', async () => {
    const [{ webhookTimeoutMs }, { leaseMs }] = await Promise.all([import('../../shared/notify/webhook-sender'), import('../../shared/data/notifications')]);
    expect(webhookTimeoutMs).toBeLessThan(leaseMs);
  });
});
