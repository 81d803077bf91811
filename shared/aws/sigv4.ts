/**
 * AWS Signature Version 4 with node:crypto, for the DynamoDB client in ./dynamodb.ts. Loading the
 * SDK's signer costs more cold-start time than the signing itself; the algorithm is a few HMACs.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import { createHash, createHmac } from 'node:crypto';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SignableRequest {
  readonly method: string;
  /** The Host header's value: host name, plus `:port` when it is not the scheme's default. */
  readonly host: string;
  /** The URI path, percent-encoded as it goes on the wire. */
  readonly path: string;
  /** The raw query string, without `?` ('' for none). */
  readonly query?: string;
  /** Headers to sign besides host, x-amz-date and x-amz-security-token (added here). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SigningParams {
  readonly region: string;
  readonly service: string;
  readonly credentials: Credentials;
  readonly date?: Date;
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

// RFC 3986 unreserved characters stay; encodeURIComponent leaves !'()* alone, SigV4 does not.
const escape = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * The derived key changes once a day per credentials, region and service: deriving it costs four
 * HMACs, every request of the day reuses it. Bounded, since rotated credentials leave old entries.
 */
const keyCache = new Map<string, Buffer>();
export const signingKey = (secret: string, day: string, region: string, service: string): Buffer => {
  const id = `${day}\n${region}\n${service}\n${secret}`;
  let key = keyCache.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
    if (keyCache.size >= 16) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
};

const canonicalQuery = (query: string) =>
  query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const decode = (s: string) => escape(decodeURIComponent(s.replace(/\+/g, ' ')));
      const at = pair.indexOf('=');
      return at < 0 ? [decode(pair), ''] : [decode(pair.slice(0, at)), decode(pair.slice(at + 1))];
    })
    // By name, then by value: sorting the joined `name=value` strings would put `a-b` before `a`.
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');

// As the SDK does: the path is normalised, then each segment escaped once more.
const canonicalPath = (path: string) => {
  const segments: string[] = [];
  for (const s of path.split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') segments.pop();
    else segments.push(escape(s));
  }
  return `/${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
};

/** `20150830T123600Z` */
export const amzDate = (date: Date) => date.toISOString().replace(/[:-]|\.\d{3}/g, '');

/**
 * Returns the headers to send: the request's own, host, x-amz-date, x-amz-security-token (with a
 * session token) and authorization. The caller adds content-length afterwards (it is not signed).
 */
export const signRequest = (request: SignableRequest, params: SigningParams): Record<string, string> => {
  const { region, service, credentials } = params;
  const longDate = amzDate(params.date ?? new Date());
  const day = longDate.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  headers.host = request.host;
  headers['x-amz-date'] = longDate;
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalHeaders = names.map((n) => `${n}:${headers[n].replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '')}\n`).join('');
  const canonicalRequest = [
    request.method,
    canonicalPath(request.path),
    canonicalQuery(request.query ?? ''),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac('sha256', signingKey(credentials.secretAccessKey, day, region, service)).update(stringToSign, 'utf8').digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
};
