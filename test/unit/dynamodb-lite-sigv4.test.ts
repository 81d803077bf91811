import { Hash } from '@smithy/core/serde';
import { HttpRequest } from '@smithy/core/protocols';
import { SignatureV4 } from '@smithy/signature-v4';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signingKey, signRequest, type Credentials } from '../../shared/aws/sigv4';

/**
 * The hand-written SigV4 signer (shared/aws/sigv4.ts) against AWS's published examples, then
 * against the SDK's own signer (@smithy/signature-v4 with the SDK's node:crypto Hash, as the
 * DynamoDB client builds it) on generated DynamoDB requests.
 */

const example = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const exampleDate = new Date('2015-08-30T12:36:00Z');
const signatureOf = (authorization: string) => /Signature=([0-9a-f]{64})$/.exec(authorization)?.[1];

describe('AWS documentation examples', () => {
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html (the ListUsers example)
  it('the IAM ListUsers GET request', () => {
    const headers = signRequest(
      {
        method: 'GET',
        host: 'iam.amazonaws.com',
        path: '/',
        query: 'Action=ListUsers&Version=2010-05-08',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: '',
      },
      { region: 'us-east-1', service: 'iam', credentials: example, date: exampleDate },
    );
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, ' +
        'Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    );
  });

  it('the derived signing key of the same example', () => {
    expect(signingKey(example.secretAccessKey, '20150830', 'us-east-1', 'iam').toString('hex')).toBe(
      'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9',
    );
  });

  // The Signature Version 4 test suite (region us-east-1, service "service", the same credentials
  // and date), as the SDK's signer runs it.
  const token =
    'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';
  const suite: { name: string; method: string; path?: string; query?: string; headers?: Record<string, string>; body?: string; sessionToken?: string; signature: string }[] = [
    { name: 'get-vanilla', method: 'GET', signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31' },
    { name: 'post-vanilla', method: 'POST', signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b' },
    { name: 'get-vanilla-query-order-key-case', method: 'GET', query: 'Param2=value2&Param1=value1', signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500' },
    { name: 'post-header-value-case', method: 'POST', headers: { 'My-Header1': 'VALUE1' }, signature: 'cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d' },
    {
      name: 'get-header-value-trim',
      method: 'GET',
      headers: { 'My-Header1': ' value1', 'My-Header2': ' "a   b   c"' },
      signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
    },
    { name: 'get-unreserved', method: 'GET', path: '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', signature: '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f' },
    { name: 'post-sts-header-after', method: 'POST', sessionToken: token, signature: '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead' },
    {
      name: 'post-x-www-form-urlencoded',
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'Param1=value1',
      signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
    },
  ];
  for (const c of suite) {
    it(`test suite: ${c.name}`, () => {
      const headers = signRequest(
        { method: c.method, host: 'example.amazonaws.com', path: c.path ?? '/', query: c.query ?? '', headers: c.headers ?? {}, body: c.body ?? '' },
        { region: 'us-east-1', service: 'service', credentials: { ...example, ...(c.sessionToken ? { sessionToken: c.sessionToken } : {}) }, date: exampleDate },
      );
      expect(signatureOf(headers.authorization)).toBe(c.signature);
      if (c.sessionToken) expect(headers['x-amz-security-token']).toBe(c.sessionToken);
    });
  }
});

describe('the same signature as the SDK signer', () => {
  const operations = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'TransactWriteItems', 'BatchWriteItem', 'BatchGetItem'];
  const alnum = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: 16, maxLength: 20 });
  const secretChars = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=');
  const credentials: fc.Arbitrary<Credentials> = fc.record(
    {
      accessKeyId: alnum.map((s) => `AKIA${s}`),
      secretAccessKey: fc.string({ unit: secretChars, minLength: 1, maxLength: 40 }),
      sessionToken: fc.string({ unit: secretChars, minLength: 1, maxLength: 600 }),
    },
    { requiredKeys: ['accessKeyId', 'secretAccessKey'] },
  );
  const region = fc.oneof(
    fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-1', 'cn-north-1', 'us-gov-west-1'),
    fc.stringMatching(/^[a-z]{2}-[a-z]{4,9}-[1-9]$/),
  );
  // Bodies as the client sends them (JSON, any Unicode), and arbitrary strings too.
  const body = fc.oneof(fc.json(), fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }));
  const host = fc.oneof(
    region.map((r) => `dynamodb.${r}.amazonaws.com`),
    fc.integer({ min: 1, max: 65535 }).map((port) => `127.0.0.1:${port}`),
  );
  const date = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true });
  const path = fc.constantFrom('/', '/prefix/', '/a/b/');

  it('for generated requests, credentials (with and without a session token), regions and dates', async () => {
    await fc.assert(
      fc.asyncProperty(credentials, region, fc.constantFrom(...operations), body, host, date, path, async (creds, reg, operation, payload, hostHeader, when, p) => {
        const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `DynamoDB_20120810.${operation}` };
        const mine = signRequest({ method: 'POST', host: hostHeader, path: p, headers, body: payload }, { region: reg, service: 'dynamodb', credentials: creds, date: when });

        const sdk = new SignatureV4({ credentials: creds, region: reg, service: 'dynamodb', sha256: Hash.bind(null, 'sha256'), applyChecksum: false });
        const [hostname, port] = hostHeader.split(':');
        const signed = await sdk.sign(
          new HttpRequest({ method: 'POST', protocol: 'https:', hostname, ...(port ? { port: Number(port) } : {}), path: p, query: {}, headers: { ...headers, host: hostHeader }, body: payload }),
          { signingDate: when },
        );
        expect(mine.authorization).toBe(signed.headers.authorization);
        expect(mine['x-amz-date']).toBe(signed.headers['x-amz-date']);
        expect(mine['x-amz-security-token']).toBe(signed.headers['x-amz-security-token']);
      }),
      { numRuns: 500 },
    );
  });
});
