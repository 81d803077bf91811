import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/**
 * Who is asking, as the per-client limits count it (shared/services/room.ts; the counters:
 * shared/data/room.ts).
 *
 * Deployed, the pages and /api/* share one CloudFront origin, so API Gateway's sourceIp is the
 * address of the CloudFront server that forwarded the request: every viewer behind one edge would
 * share one limit. Our distribution therefore tells the functions who the viewer is
 * (infra/site-edge-functions.ts and infra/site-distribution.ts):
 *   - a viewer-request CloudFront Function on /api/* sets `X-Yijian-Viewer-Ip` to the viewer's IP
 *     (event.viewer.ip), replacing any header of that name the viewer sent;
 *   - the API origin adds `X-Origin-Verify: <secret>`; CloudFront replaces a viewer's header of
 *     that name, so only CloudFront (and the functions) know the value.
 * The viewer address is believed only on a request carrying that secret. A client calling the API
 * Gateway URL directly can send both headers but not the secret: it is counted by its own sourceIp.
 * Without the secret (locally, or a function that does not rate limit) sourceIp is used.
 *
 * IPv6: a subscriber is normally given a whole /64 (often a /56 or more) and its devices pick
 * addresses in it freely (privacy extensions change them daily or per connection), so a limit per
 * IPv6 address would limit nothing. An IPv6 client is counted by its /64, as IPv4 clients behind one
 * NAT share their one address. IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address it maps.
 *
 * What comes out is hashed with the window before it is stored (shared/domain/room.ts
 * `addressHash`); nothing here logs the secret, the headers or an address.
 */

/** Added to origin requests by CloudFront, with the secret as its value (lower case, as handlers see headers). */
export const originVerifyHeader = 'x-origin-verify';

/** Set by the viewer-request CloudFront Function of /api/* to the viewer's IP address. */
export const viewerIpHeader = 'x-yijian-viewer-ip';

/** Both sides are hashed first: timingSafeEqual needs equal lengths, and the length must not leak either. */
const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Whether a request carries the origin secret, compared in constant time. No secret: never. */
export const carriesOriginSecret = (presented: string | undefined, secret: string | undefined): boolean =>
  secret !== undefined && secret !== '' && presented !== undefined && timingSafeEqual(digest(presented), digest(secret));

/** The eight 16-bit groups of a valid IPv6 address (isIP said 6, no zone), embedded IPv4 included. */
const ipv6Groups = (address: string): number[] => {
  let text = address.toLowerCase();
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  if (tail.includes('.')) {
    const [a, b, c, d] = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((group) => parseInt(group, 16));
};

const isPort = (text: string): boolean => /^\d{1,5}$/.test(text) && Number(text) <= 65535;

/** Longest sensible value: a bracketed IPv6 address with an embedded IPv4 address and a port. */
const maxAddressLength = 64;

/**
 * An IP address from a header value, in one spelling per address: IPv4 dotted decimal, IPv6 as its
 * eight groups in lower-case hex without leading zeros, IPv4-mapped IPv6 as IPv4. A port is dropped
 * where it cannot be mistaken for part of the address (`a.b.c.d:port`, `[v6]:port`); an unbracketed
 * IPv6 address is taken whole (`2001:db8::7:443` is itself a valid address). Anything else (a list,
 * a zone index, a name, padding) is null.
 */
export const normaliseIp = (value: string | undefined): string | null => {
  if (value === undefined || value.length === 0 || value.length > maxAddressLength) return null;
  let text = value;
  const bracketed = /^\[([^\]]*)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    if (bracketed[2] !== undefined && !isPort(bracketed[2])) return null;
    text = bracketed[1]!;
    if (isIP(text) !== 6) return null;
  } else {
    const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(text);
    if (withPort) {
      if (!isPort(withPort[2]!)) return null;
      text = withPort[1]!;
    }
  }
  if (text.includes('%')) return null;
  const family = isIP(text);
  if (family === 4) return text;
  if (family !== 6) return null;
  const groups = ipv6Groups(text);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  }
  return groups.map((group) => group.toString(16)).join(':');
};

/** What one client is, for counting: an IPv4 address as is, an IPv6 address by its /64 prefix. */
export const clientGroup = (ip: string): string => {
  if (isIP(ip) !== 6) return ip;
  return `${ipv6Groups(ip).slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
};

/**
 * The client of a request: the viewer's address when the request came through our CloudFront
 * (right secret, valid address), else API Gateway's sourceIp; normalised, IPv6 grouped by /64.
 * `headers` have lower-case names. An unusable sourceIp is passed on as it is (empty: not counted).
 */
export const chooseClientAddress = (headers: Readonly<Record<string, string>>, sourceIp: string, secret: string | undefined): string => {
  if (carriesOriginSecret(headers[originVerifyHeader], secret)) {
    const viewer = normaliseIp(headers[viewerIpHeader]);
    if (viewer !== null) return clientGroup(viewer);
  }
  const source = normaliseIp(sourceIp);
  return source === null ? sourceIp : clientGroup(source);
};
