/**
 * What-if bundle for the cold-start investigation: the same GetItem as sdk-get-item.ts without the
 * SDK — DynamoDB's JSON protocol over node:http(s), signed with Signature Version 4 by node:crypto
 * (credentials from the environment, as Lambda provides them). About 2 KB instead of the SDK's
 * hundreds of modules: its cold start shows what a minimal client would cost.
 */
import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

const call = (target: string, payload: unknown): Promise<{ status: number; body: any }> => {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const url = new URL(process.env.DYNAMODB_ENDPOINT || `https://dynamodb.${region}.amazonaws.com`);
  const body = JSON.stringify(payload);
  const amzDate = new Date().toISOString().replace(/[:-]|\.\d{3}/g, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.0',
    host: url.host,
    'x-amz-date': amzDate,
    'x-amz-target': `DynamoDB_20120810.${target}`,
    ...(process.env.AWS_SESSION_TOKEN ? { 'x-amz-security-token': process.env.AWS_SESSION_TOKEN } : {}),
  };
  const names = Object.keys(headers).sort();
  const canonical = ['POST', '/', '', ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), sha256(body)].join('\n');
  const scope = `${day}/${region}/dynamodb/aws4_request`;
  const key = hmac(hmac(hmac(hmac(`AWS4${process.env.AWS_SECRET_ACCESS_KEY ?? ''}`, day), region), 'dynamodb'), 'aws4_request');
  const signature = createHmac('sha256', key).update(['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n')).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${process.env.AWS_ACCESS_KEY_ID}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  headers['content-length'] = String(Buffer.byteLength(body));
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
};

export const handler = async () => {
  const { status, body } = await call('GetItem', {
    TableName: process.env.TABLE_NAME,
    Key: { pk: { S: 'DIRECTORY' }, sk: { S: 'CURRENT' } },
    ConsistentRead: true,
  });
  return { statusCode: status === 200 && body.Item ? 200 : 500, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"ok":true}' };
};
