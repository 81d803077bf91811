/**
 * The deployed room secret (shared/services/room-secret.ts, room-secret-store.ts): read through
 * Powertools Parameters from Secrets Manager, the store's module loaded on the first read. No
 * Secrets Manager runs here, so a server on 127.0.0.1 answers the two GetSecretValue calls of the
 * AWS JSON protocol as Secrets Manager does (the SDK is pointed at it by its documented endpoint
 * variable); everything between, the SDK and Powertools included, is the real code.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:yijian-room-AbCdEf';
const currentSecret = 'c'.repeat(48);
const previousSecret = 'p'.repeat(48);
const asked: { target: string; body: { SecretId: string; VersionStage?: string } }[] = [];
let previousExists = true;
let server: Server;

beforeAll(async () => {
  server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      const body = JSON.parse(raw) as { SecretId: string; VersionStage?: string };
      asked.push({ target: String(request.headers['x-amz-target']), body });
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      if (body.VersionStage === 'AWSPREVIOUS' && !previousExists) {
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret version." }));
        return;
      }
      response.end(JSON.stringify({ ARN: arn, Name: 'yijian-room', SecretString: body.VersionStage === 'AWSPREVIOUS' ? previousSecret : currentSecret }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'unit',
    AWS_SECRET_ACCESS_KEY: 'unit',
  });
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the deployed room secret', () => {
  it('is read from Secrets Manager, the current and the previous version, and kept for secretMaxAgeSeconds', async () => {
    const { readRoomSecrets, secretMaxAgeSeconds } = await import('../../shared/services/room-secret');
    const t0 = Date.UTC(2026, 11, 6);
    expect(await readRoomSecrets({ roomSecretArn: arn }, t0)).toEqual({ current: currentSecret, previous: previousSecret });
    expect(asked.map((a) => [a.target, a.body.VersionStage])).toEqual(
      expect.arrayContaining([
        ['secretsmanager.GetSecretValue', undefined],
        ['secretsmanager.GetSecretValue', 'AWSPREVIOUS'],
      ]),
    );
    expect(asked).toHaveLength(2);
    expect(asked.every((a) => a.body.SecretId === arn)).toBe(true);
    // Within the age nothing is asked again.
    await readRoomSecrets({ roomSecretArn: arn }, t0 + (secretMaxAgeSeconds - 1) * 1000);
    expect(asked).toHaveLength(2);
  });

  it('has no previous version before the first rotation, and that is no error', async () => {
    const { readRoomSecrets, secretMaxAgeSeconds } = await import('../../shared/services/room-secret');
    previousExists = false;
    // Past the age of what was read, and another secret's name: Powertools caches per name.
    const other = `${arn}-2`;
    expect(await readRoomSecrets({ roomSecretArn: other }, Date.UTC(2026, 11, 6) + (secretMaxAgeSeconds + 1) * 1000)).toEqual({ current: currentSecret });
  });

  it('comes from the environment where no ARN is set: Secrets Manager is not asked', async () => {
    const { readRoomSecrets } = await import('../../shared/services/room-secret');
    const before = asked.length;
    expect(await readRoomSecrets({ roomSecret: 'e'.repeat(40) })).toEqual({ current: 'e'.repeat(40) });
    expect(asked).toHaveLength(before);
  });
});
