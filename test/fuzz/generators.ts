/**
 * fast-check arbitraries for the API fuzz test (test/fuzz/api.test.ts): request bodies near each
 * real schema with mutated fields, wrong types, huge and odd strings, prototype-pollution keys;
 * content types; header values; path parameters; query strings; bearer tokens.
 *
 * Everything here is plain data: a request is method, raw path (ASCII, as it goes on the wire),
 * headers and an optional body (text or bytes). Values that depend on fixtures made at run time
 * (tracking codes, keys, tokens) are drawn as indexes and resolved when the request is built.
 */
import fc from 'fast-check';
import { demoDirectory } from '../../shared/demo/directory';
import { kindIds } from '../../shared/schemas/directory';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Keys an attacker tries on a JSON parser, a validator or an object spread. */
export const pollutionKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'then'];
/** Keys that look like the table's own attributes or like fields of other schemas. */
export const internalKeys = ['pk', 'sk', 'gsi1pk', 'entity', 'version', 'status', 'accessKeyHash', 'trackingCode', 'groupId', 'createdAt', 'id', '$type'];

/** Strings chosen by hand: boundaries, controls, bidi, injections, look-alikes. */
const nastyConstants = [
  '',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\u0000',
  'a\u0000b',
  '\u0007',
  '\u007f',
  '\u200b',
  '\u200f\u202e',
  '\ufeff',
  '\ud800',
  'a\udfffb',
  '\ud83d',
  '😀',
  '👨‍👩‍👧',
  '意'.repeat(120),
  '意'.repeat(121),
  '😀'.repeat(120),
  '😀'.repeat(121),
  'a'.repeat(5000),
  'a'.repeat(5001),
  '<script>alert(1)</script>',
  "'; DROP TABLE items; --",
  '${jndi:ldap://x}',
  '{{7*7}}',
  '../../etc/passwd',
  '%00',
  '%s%s%n',
  'null',
  'undefined',
  'NaN',
  'true',
  '0',
  '-1',
  '1e309',
  'YJ-0000-0000',
  'ＹＪ－００００－００００',
  '=HYPERLINK("http://x")',
  '+1',
  '@SUM(1)',
  'attribute_not_exists(pk)',
  ':expected',
  '#version',
  'ITEM#YJ-0000-0000',
  'COUNTERS',
  'office',
  'group:g1',
  '[office]',
];

/** Any string: ASCII, full Unicode graphemes, raw UTF-16 code units (lone surrogates), hand-picked, huge. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 1 },
  { arbitrary: fc.constantFrom(...nastyConstants), weight: 3 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom('x', '意', '😀', ' ', 'é', '\u0301'), fc.integer({ min: 100, max: 9000 }))
      .map(([c, n]) => c.repeat(n)),
    weight: 1,
  },
);

/** A value of the wrong type for any field: numbers of every kind, booleans, null, arrays, objects, any JSON. */
export const wrongValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -0, 1, -1, 1.5, 1e308, -1e308, 2 ** 53, 5, 6, [], {}, [[[]]], { '': '' }, ['a'], ''),
  fc.integer().map((n) => n as Json),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => n as Json),
  fc.jsonValue({ maxDepth: 3 }).map((v) => v as Json),
  nastyString,
);

/**
 * Text that the schemas should accept, of 1..max characters: not blank nor only invisible
 * characters, no C0 or C1 controls but tab and newlines, no bidi embeddings, overrides or isolates.
 */
export const plausibleText = (max: number): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(max, 30) }),
      fc.string({ minLength: 1, maxLength: Math.min(max, 30) }),
      fc.constantFrom('关于培训安排', '下次培训能否提前一周通知？', 'שלום 😀 مرحبا', '<b>x</b> & "y"', '第二行\n第三行\t制表'),
    )
    .map((s) => {
      // eslint-disable-next-line no-control-regex
      const clean = s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g, '·');
      const invisible = /^[\p{White_Space}\p{Cf}\p{Default_Ignorable_Code_Point}\u2800]*$/u.test(clean);
      const text = invisible ? `意${clean}` : clean;
      return [...text].slice(0, max).join('');
    });

const unitIds = demoDirectory.units.map((u) => u.id);
const groupIds = demoDirectory.groups.map((g) => g.id);

/** Valid bodies of each endpoint (the base the mutations start from). */
export const validBodies = {
  session: fc
    .record(
      {
        title: plausibleText(120),
        startsAt: fc.constantFrom('2026-12-08T01:30:00.000Z', '2027-03-01T00:00:00.000Z'),
        endsAt: fc.constantFrom('2026-12-08T03:30:00.000Z', '2026-12-01T00:00:00.000Z'),
        place: plausibleText(120),
        groupId: fc.constantFrom(...groupIds, 'g9'),
        unitIds: fc.array(fc.constantFrom(...unitIds, 'u999'), { maxLength: 5 }),
      },
      { requiredKeys: ['title', 'startsAt'] },
    )
    .map((v) => v as Record<string, Json>),
  sessionPatch: fc
    .record(
      { title: plausibleText(120), startsAt: fc.constant('2026-12-09T01:30:00.000Z'), endsAt: fc.constantFrom(null, '2026-12-09T03:30:00.000Z'), place: fc.option(plausibleText(120)), open: fc.boolean() },
      { requiredKeys: [] },
    )
    .map((v) => v as Record<string, Json>),
  records: fc
    .record({
      entries: fc.array(
        fc.record(
          { kind: fc.constantFrom(...kindIds), title: plausibleText(120), body: plausibleText(200), unitId: fc.constantFrom(...unitIds, 'u999'), answer: plausibleText(200) },
          { requiredKeys: ['kind', 'title', 'body'] },
        ),
        { minLength: 1, maxLength: 5 },
      ),
    })
    .map((v) => v as unknown as Record<string, Json>),
  sessionRating: fc.record({ score: fc.integer({ min: 1, max: 5 }), comment: plausibleText(500) }, { requiredKeys: ['score'] }).map((v) => v as Record<string, Json>),
  submission: fc
    .record(
      {
        kind: fc.constantFrom(...kindIds),
        title: plausibleText(120),
        body: plausibleText(5000),
        unitId: fc.constantFrom(...unitIds),
        anonymous: fc.boolean(),
        contact: fc.record(
          {
            name: plausibleText(60),
            email: fc.constantFrom('a@example.com', 'wang.xiaoming@example.cn', 'x+y@sub.example.org'),
            phone: fc.constantFrom('+86 138 0000 0000', '010-12345678', '(021) 5555 0000'),
          },
          { requiredKeys: [] },
        ),
        rating: fc.integer({ min: 1, max: 5 }),
        website: fc.constantFrom('', 'http://spam.example'),
        // Through the fixture session's link (its code and key, put in at run time), or a wrong one.
        session: fc.oneof(
          { arbitrary: fc.constant({ code: '@session-code', key: '@session-key' }), weight: 3 },
          { arbitrary: fc.record({ code: fc.constantFrom('@session-code', 'PX-0000-0000', 'px00000000'), key: fc.constantFrom('@session-key', 'wrong') }), weight: 1 },
        ),
      },
      { requiredKeys: ['kind', 'title', 'body', 'anonymous'] },
    )
    .map((s) => {
      const out: Record<string, Json> = { ...s };
      if (s.anonymous) delete out.contact;
      if (s.kind !== 'feedback') delete out.rating;
      return out;
    }),
  followUp: fc.record({ body: plausibleText(2000) }).map((v) => v as Record<string, Json>),
  rating: fc
    .record({ satisfaction: fc.constantFrom('satisfied', 'basically', 'unsatisfied'), comment: plausibleText(1000) }, { requiredKeys: ['satisfaction'] })
    .map((v) => v as Record<string, Json>),
  assign: fc.record({ groupId: fc.constantFrom(...groupIds, 'g9'), note: plausibleText(1000) }, { requiredKeys: ['groupId'] }).map((v) => v as Record<string, Json>),
  reply: fc.record({ body: plausibleText(5000), visibility: fc.constantFrom('public', 'internal') }).map((v) => v as Record<string, Json>),
  /** targetId is resolved to a fixture code at run time when it is the placeholder `@item:<n>`. */
  transition: fc
    .record(
      {
        action: fc.constantFrom('start', 'close', 'reject', 'merge', 'recommend', 'unrecommend'),
        reason: plausibleText(1000),
        targetId: fc.oneof(fc.nat(50).map((n) => `@item:${n}`), fc.constantFrom('YJ-0000-0000', 'nope')),
      },
      { requiredKeys: ['action'] },
    )
    .map((v) => v as Record<string, Json>),
  devToken: fc
    .record({
      sub: fc.constantFrom('office-1', 'fuzz', 'x'.repeat(128)),
      name: plausibleText(60),
      groups: fc.subarray(['office', 'leader', 'group:g1', 'group:g2', 'group:g9']),
    })
    .map((v) => v as Record<string, Json>),
  directory: fc.constant(JSON.parse(JSON.stringify(demoDirectory)) as Record<string, Json>),
};

/** Every path inside a JSON value, as key/index lists (the root is []). */
const pathsOf = (value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] => {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
};

/** Sets an own, enumerable property even for `__proto__` (which `obj[key] = v` would not). */
const defineOwn = (target: Record<string, Json>, key: string, value: Json) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'set'; at: number; value: Json }
  | { op: 'addKey'; at: number; key: string; value: Json }
  | { op: 'wrap'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  { arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: wrongValue }), weight: 3 },
  {
    arbitrary: fc.record({
      op: fc.constant('addKey' as const),
      at: fc.nat(),
      key: fc.oneof(fc.constantFrom(...pollutionKeys, ...internalKeys), fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 })),
      value: wrongValue,
    }),
    weight: 2,
  },
  fc.record({ op: fc.constant('wrap' as const), at: fc.nat() }),
);

/** Applies mutations at paths picked by index (deep: nested fields of the directory too). */
export const applyMutations = (base: Json, mutations: readonly Mutation[]): Json => {
  // Generated values are shared between runs (constantFrom hands out the same `[]` every time):
  // work on copies only, or a push into one would make it contain itself.
  const copy = (v: Json): Json => JSON.parse(JSON.stringify(v)) as Json;
  let root: Json = copy(base);
  for (const original of mutations) {
    const m = 'value' in original ? { ...original, value: copy(original.value) } : original;
    const paths = pathsOf(root);
    const path = paths[m.at % paths.length];
    const parentPath = path.slice(0, -1);
    const last = path[path.length - 1];
    const parent = parentPath.reduce<Json>((node, key) => (node as Record<string, Json>)[key as string], root);
    const target = path.reduce<Json>((node, key) => (node as Record<string, Json>)[key as string], root);
    const replace = (value: Json) => {
      if (path.length === 0) root = value;
      else if (Array.isArray(parent)) parent[last as number] = value;
      else defineOwn(parent as Record<string, Json>, String(last), value);
    };
    switch (m.op) {
      case 'delete':
        if (path.length === 0) root = {};
        else if (Array.isArray(parent)) parent.splice(last as number, 1);
        else delete (parent as Record<string, Json>)[last as string];
        break;
      case 'set':
        replace(m.value);
        break;
      case 'wrap':
        replace([target]);
        break;
      case 'addKey':
        if (target && typeof target === 'object' && !Array.isArray(target)) defineOwn(target, m.key, m.value);
        else if (Array.isArray(target)) target.push(m.value);
        else replace({ [m.key]: m.value } as Record<string, Json>);
        break;
    }
  }
  return root;
};

/** A request body, as bytes on the wire. */
export interface Body {
  readonly bytes: Buffer;
  /** What the server's JSON.parse will see, when the bytes are UTF-8 JSON. */
  readonly parsed?: Json;
}

/** Counterexamples print as (the start of) their text: a 6,000-deep array would overflow the printer. */
const printable = (body: Body): Body =>
  Object.defineProperty(body, fc.toStringMethod, {
    value: () => `Body(${body.bytes.length} bytes: ${JSON.stringify(body.bytes.toString('utf8').slice(0, 300))})`,
    enumerable: false,
  });

const utf8 = (text: string): Body => {
  let parsed: Json | undefined;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    parsed = undefined;
  }
  return printable({ bytes: Buffer.from(text, 'utf8'), parsed });
};

/** Text that is not JSON, or JSON the parser may choke on. */
const malformed: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '{', '}', '{"kind": "question",', '{"a":1}{"b":2}', "{'a':1}", '{"a":1,}', '[1,2,', 'NaN', 'undefined', '{"a":"\\x41"}', '{"a":"\\ud800"}', '\ufeff{}', '{"a":1e999999}', '  ', '"'),
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.integer({ min: 1, max: 6000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 1, max: 3000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
);

/** Bodies for an endpoint: near its schema (mutated or not), any JSON, malformed text, bad bytes, oversized. */
export const bodyFor = (valid: fc.Arbitrary<Record<string, Json>>): fc.Arbitrary<Body> =>
  fc.oneof(
    { arbitrary: valid.map((v) => utf8(JSON.stringify(v))), weight: 6 },
    { arbitrary: fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([v, ms]) => utf8(JSON.stringify(applyMutations(v, ms)))), weight: 8 },
    // The same key twice: JSON.parse keeps the last one.
    {
      arbitrary: fc.tuple(valid, fc.constantFrom('kind', 'title', 'body', 'anonymous', 'action', 'groupId', 'satisfaction'), wrongValue).map(([v, key, value]) => {
        const text = JSON.stringify(v);
        return utf8(text.length > 2 ? `${text.slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value)}}` : text);
      }),
      weight: 1,
    },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => utf8(JSON.stringify(v))), weight: 2 },
    { arbitrary: malformed.map(utf8), weight: 2 },
    // Not UTF-8 at all, or UTF-8 with a bad byte inside a JSON string.
    {
      arbitrary: fc.oneof(
        fc.uint8Array({ maxLength: 64 }).map((b) => printable({ bytes: Buffer.from(b) })),
        fc.constantFrom<Body>(
          printable({ bytes: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }),
          printable({ bytes: Buffer.from([0x7b, 0x22, 0x62, 0x6f, 0x64, 0x79, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]) }),
          printable({ bytes: Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d]) }),
        ),
      ),
      weight: 1,
    },
    // Over the 16 KiB limit (413), now and then over the gateway's 1 MiB.
    {
      arbitrary: fc.oneof(
        { arbitrary: fc.integer({ min: 16 * 1024 + 1, max: 40_000 }), weight: 9 },
        { arbitrary: fc.constant(1024 * 1024 + 10), weight: 1 },
      ).map((n) => utf8(JSON.stringify({ body: 'x'.repeat(n) }))),
      weight: 1,
    },
  );

/** Content types: JSON in its spellings, JSON with bad charsets, other types, garbage, none. */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8'), weight: 12 },
  {
    arbitrary: fc.constantFrom(
      undefined,
      'APPLICATION/JSON',
      'application/json; charset="utf-8"',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/problem+json',
      'application/merge-patch+json',
      'application/vnd.api+json; charset=utf8',
      'application/jsonx',
      'text/json',
      'text/plain',
      'text/plain; charset=utf-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=xyz',
      'application/octet-stream',
      'application/xml',
      '*/*',
      '',
      ';',
      'application/json;;;',
      'application/json; charset=',
    ),
    weight: 3,
  },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
);

/** Header values that Node will put on the wire (visible ASCII, space, tab and Latin-1 bytes). */
export const headerValue: fc.Arbitrary<string> = fc
  .oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc.constantFrom('', ' ', '*', 'null', '"1"', 'W/"1"', '1', '"0"', '"-1"', '"99999999999"', '"1", "2"', 'W/', '""', 'é', '\u00ff'.repeat(10)),
    // Long, but a request's head stays under Node's 16 KiB limit (over it, Node answers 431 itself).
    fc.integer({ min: 200, max: 2500 }).map((n) => 'k'.repeat(n)),
  )
  .map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?'));

/** Idempotency-Key: absent, valid, reused (to replay and to conflict), out of spec. */
export const idempotencyKey: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 5 },
  { arbitrary: fc.stringMatching(/^[\x21-\x7E]{8,128}$/), weight: 2 },
  { arbitrary: fc.constantFrom('fuzz-reused-key-0001', 'fuzz-reused-key-0002', 'fuzz-reused-key-0003'), weight: 2 },
  { arbitrary: headerValue, weight: 2 },
);

/** If-Match: absent, a version (maybe right), weak, garbage. */
export const ifMatch: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 5 },
  { arbitrary: fc.integer({ min: 0, max: 12 }).map((n) => `"${n}"`), weight: 2 },
  { arbitrary: fc.integer({ min: 0, max: 12 }).map((n) => `W/"${n}"`), weight: 1 },
  { arbitrary: headerValue, weight: 2 },
);

/** Percent-encodes everything but unreserved ASCII; `keepPercent` leaves `%` raw (bad escapes on purpose). */
export const encodeSegment = (s: string, keepPercent = false): string => {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepPercent && c === '%')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
};

/** A reference to a fixture item, resolved when the request is built. */
export type CodeRef = { ref: number; variant: 'canonical' | 'lower' | 'compact' | 'confusable' | 'fullwidth' | 'spaced' };

/** Path parameters, already encoded for the wire: fixture codes typed every way, garbage, encodings, long. */
export const pathParam: fc.Arbitrary<string | CodeRef> = fc.oneof(
  {
    arbitrary: fc.record({ ref: fc.nat(), variant: fc.constantFrom('canonical', 'lower', 'compact', 'confusable', 'fullwidth', 'spaced') }) as fc.Arbitrary<CodeRef>,
    weight: 8,
  },
  { arbitrary: fc.string({ maxLength: 30 }).map((s) => encodeSegment(s)), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => encodeSegment(s)), weight: 2 },
  { arbitrary: nastyString.map((s) => encodeSegment(s.slice(0, 300))), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2F',
      'a%2Fb',
      '%00',
      '%',
      '%zz',
      '%E0%A4',
      '%C0%AF',
      '%ED%A0%80',
      '%FF%FE',
      ';',
      'YJ-0000-0000',
      'yj-0000-0000',
      '%EF%BC%B9%EF%BC%AA-0000-0000',
      'YJ-IIII-LLLL',
      'YJ-UUUU-UUUU',
      '__proto__',
      'constructor',
      encodeSegment('YJ-0000-0000'.repeat(6)),
    ),
    weight: 2,
  },
  { arbitrary: fc.integer({ min: 65, max: 3000 }).map((n) => 'A'.repeat(n)), weight: 1 },
);

/** Query strings (with the leading `?` or empty): near the list filters, random pairs, broken escapes, long. */
const listFilterPairs: fc.Arbitrary<[string, string][]> = fc.array(
  fc.oneof(
    fc.tuple(fc.constant('status'), fc.oneof(fc.constantFrom('submitted', 'assigned,in_progress', 'answered,closed,reopened', ',', 'open', 'submitted,'.repeat(10)), headerValue)),
    fc.tuple(fc.constant('groupId'), fc.oneof(fc.constantFrom('g1', 'g2', 'g9', '-', 'g1,g2'), headerValue)),
    fc.tuple(fc.constant('unitId'), fc.oneof(fc.constantFrom('u01', 'u48', 'u999'), headerValue)),
    fc.tuple(fc.constant('kind'), fc.oneof(fc.constantFrom(...kindIds, 'complaint'), headerValue)),
    fc.tuple(fc.constant('overdue'), fc.constantFrom('true', 'false', '1', '', 'TRUE')),
    fc.tuple(fc.constant('phase'), fc.constantFrom('study', 'review', 'rectify', 'x', '')),
    fc.tuple(fc.constant('q'), nastyString.map((s) => s.slice(0, 200))),
    fc.tuple(fc.constant('limit'), fc.constantFrom('1', '25', '100', '0', '101', '-1', '1.5', '1e2', 'abc', '', ' 5', '0x10', '99999999999999999999')),
    fc.tuple(
      fc.constant('cursor'),
      fc.oneof(
        fc.constantFrom('', 'abc', Buffer.from('{"v":1,"p":"x"}').toString('base64url'), Buffer.from('{"v":1,"p":{"a":1}}').toString('base64url'), Buffer.from('{"v":2}').toString('base64url'), Buffer.from('[]').toString('base64url')),
        fc.string({ maxLength: 200 }).map((p) => Buffer.from(JSON.stringify({ v: 1, p })).toString('base64url')),
        fc.string({ maxLength: 600 }),
      ),
    ),
    fc.tuple(fc.oneof(fc.constantFrom(...pollutionKeys, 'Status', 'limit[]', 'a.b'), fc.string({ maxLength: 10 })), nastyString.map((s) => s.slice(0, 100))),
  ),
  { maxLength: 5 },
);

export const queryString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constant(''), weight: 4 },
  { arbitrary: listFilterPairs.map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`).join('&')}` : '')), weight: 6 },
  { arbitrary: fc.constantFrom('?', '?&', '?=', '?a', '?a=%', '?a=%zz', '?%FF=1', '?limit=%E0%A4', '?status=%00', '?a&a&a=1&a=2', '?limit=1&limit=2', `?q=${'x'.repeat(3000)}`), weight: 2 },
  { arbitrary: fc.string({ maxLength: 40 }).map((s) => `?${encodeSegment(s, true)}`), weight: 1 },
);

/** A bearer token: fixture tokens by name (valid, then forged or odd), random text, odd schemes, none. */
export type TokenRef = { token: string } | { raw: string | undefined };
export const authorization = (valid: readonly string[], forged: readonly string[]): fc.Arbitrary<TokenRef> =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...valid).map((token) => ({ token })), weight: 12 },
    { arbitrary: fc.constantFrom(...forged).map((token) => ({ token })), weight: 4 },
    {
      arbitrary: fc.oneof(
        fc.constant(undefined),
        fc.constantFrom('', 'Bearer', 'Bearer ', 'bearer x', 'Basic b2ZmaWNlOm9mZmljZQ==', 'Bearer a.b.c', 'Bearer ..', 'Bearer e30.e30.', 'Token x', 'Bearer x y'),
        headerValue.map((v) => `Bearer ${v}`),
        headerValue,
      ).map((raw) => ({ raw })),
      weight: 3,
    },
  );

/** X-Altcha lookalikes: base64 of JSON of about the right shape (never a solved challenge). */
const altchaLookalike: fc.Arbitrary<string> = fc
  .record({
    challenge: fc.record({ parameters: fc.dictionary(fc.constantFrom('algorithm', 'nonce', 'salt', 'cost', 'keyPrefix', 'keySignature', 'expiresAt'), fc.jsonValue(), { maxKeys: 7 }), signature: fc.stringMatching(/^[0-9a-f]{64}$/) }),
    solution: fc.record({ counter: fc.oneof(fc.integer(), fc.double()), derivedKey: fc.stringMatching(/^[0-9a-f]{0,64}$/) }),
  })
  .map((payload) => Buffer.from(JSON.stringify(payload)).toString('base64'));

/** Extra headers anyone may send (some the handlers read, some they ignore). */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc
  .array(
    fc.oneof(
      fc.tuple(
        fc.constantFrom('x-access-key', 'if-match', 'idempotency-key', 'x-altcha', 'x-forwarded-for', 'accept', 'accept-language', 'origin', 'x-amzn-trace-id', 'x-requested-with', 'cookie', 'range'),
        headerValue,
      ),
      fc.tuple(fc.constant('x-altcha'), altchaLookalike),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => Object.fromEntries(pairs));
