import { marshall as sdkMarshall, unmarshall as sdkUnmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue as SdkAttributeValue } from '@aws-sdk/client-dynamodb';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { marshall, marshallWire, unmarshall, unmarshallWire, type AttributeValue } from '../../shared/aws/marshall';

/**
 * shared/aws/marshall.ts against @aws-sdk/util-dynamodb with the data layer's options
 * (shared/data/client.ts): same AttributeValues, same documents back, same refusals.
 */

const options = { removeUndefinedValues: true, convertClassInstanceToMap: false } as const;

type Outcome = { ok: true; value: unknown } | { ok: false };
const attempt = (f: () => unknown): Outcome => {
  try {
    return { ok: true, value: f() };
  } catch {
    return { ok: false };
  }
};

// `__proto__` is left out: util-dynamodb's unmarshall assigns it, which sets the prototype
// instead of a member (ours keeps it as a member).
const key = fc.string({ maxLength: 6 }).filter((k) => k !== '__proto__');
const binary = fc.oneof(
  fc.uint8Array({ maxLength: 12 }),
  fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a)),
);
const safeNumber = fc.oneof(
  fc.maxSafeInteger(),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }),
);
// Refused by both: not finite, or beyond ±MAX_SAFE_INTEGER (integer or not).
const unsafeNumber = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2 ** 53, -(2 ** 53), 1e20, -1.5e300, Number.MAX_VALUE),
  fc.double({ min: 2 ** 53, noNaN: true }),
);
const scalar = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  safeNumber,
  fc.boolean(),
  fc.constant(null),
  binary,
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
);
const set = fc.oneof(
  fc.uniqueArray(fc.string({ maxLength: 6 }), { maxLength: 5 }).map((a) => new Set<unknown>(a)),
  fc.uniqueArray(safeNumber, { maxLength: 5 }).map((a) => new Set<unknown>(a)),
  fc.array(binary, { maxLength: 4 }).map((a) => new Set<unknown>(a)),
  fc.constant(new Set<unknown>([undefined])),
  fc.constant(new Set<unknown>([undefined, 'a'])),
);

const documents = (withRefusals: boolean) => {
  const leaf = withRefusals ? fc.oneof(scalar, set, unsafeNumber) : fc.oneof(scalar, set.filter((s) => [...s].some((v) => v !== undefined)));
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(fc.oneof(tie('value'), fc.constant(undefined)), { maxLength: 4 }),
      fc.dictionary(key, fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 4 }),
    ),
  }));
  return fc.dictionary(key, fc.oneof(value, fc.constant(undefined)), { maxKeys: 6 });
};

/** Binaries as plain byte arrays, so a Buffer and a Uint8Array of the same bytes compare equal. */
const bytes = (v: unknown): unknown => {
  if (v instanceof Uint8Array) return { bytes: [...v] };
  if (v instanceof Set) return new Set([...v].map(bytes));
  if (Array.isArray(v)) return v.map(bytes);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, bytes(x)]));
  return v;
};

describe('marshall', () => {
  it('gives the AttributeValues util-dynamodb gives', () => {
    fc.assert(
      fc.property(documents(false), (doc) => {
        expect(marshall(doc)).toStrictEqual(sdkMarshall(doc, options));
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses exactly what util-dynamodb refuses', () => {
    let refused = 0;
    fc.assert(
      fc.property(documents(true), (doc) => {
        const mine = attempt(() => marshall(doc));
        const sdk = attempt(() => sdkMarshall(doc, options));
        expect(mine.ok).toBe(sdk.ok);
        if (mine.ok && sdk.ok) expect(mine.value).toStrictEqual(sdk.value);
        else refused++;
      }),
      { numRuns: 1000 },
    );
    expect(refused).toBeGreaterThan(100);
  });

  const refusals: [string, unknown][] = [
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['2^53 (not a safe integer)', 2 ** 53],
    ['-(2^53)', -(2 ** 53)],
    ['1e20 (beyond the safe range, as a float too)', 1e20],
    ['an empty set', new Set()],
    ['a set of undefined only', new Set([undefined])],
    ['a set of booleans', new Set([true])],
    ['a set of maps', new Set([{ a: 1 }])],
    ['a Date (a class instance)', new Date(0)],
    ['a class instance', new (class Point { x = 1 })()],
    ['a symbol', Symbol('s')],
    ['NaN in a number set', new Set([1, Number.NaN])],
    ['NaN deep in a list', [[{ a: Number.NaN }]]],
  ];
  for (const [name, value] of refusals) {
    it(`refuses ${name}, as util-dynamodb does`, () => {
      expect(() => sdkMarshall({ v: value }, options)).toThrow();
      expect(() => marshall({ v: value })).toThrow();
    });
  }

  it('refuses unsafe numbers with the SDK messages (no data beyond the number itself)', () => {
    for (const n of [Number.NaN, 2 ** 53, -(2 ** 53)]) {
      const sdk = attempt(() => sdkMarshall({ n }, options));
      expect(sdk.ok).toBe(false);
      let message = '';
      try {
        marshall({ n });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/Special numeric value NaN is not allowed|MAX_SAFE_INTEGER|MIN_SAFE_INTEGER/);
    }
  });

  it('removes undefined in maps, lists and sets, and skips functions, as util-dynamodb with removeUndefinedValues', () => {
    const doc = { a: undefined, b: [1, undefined, 2], c: { d: undefined, e: 'x' }, f: new Set(['s', undefined]), g: () => 1, h: [() => 1] };
    expect(marshall(doc)).toStrictEqual(sdkMarshall(doc, options));
    expect(marshall(doc)).toStrictEqual({ b: { L: [{ N: '1' }, { N: '2' }] }, c: { M: { e: { S: 'x' } } }, f: { SS: ['s'] }, h: { L: [] } });
  });

  it('accepts Map instances and objects without a prototype as maps, as util-dynamodb', () => {
    const bare = Object.assign(Object.create(null) as object, { x: 1 });
    const doc = { m: new Map<string, unknown>([['k', 'v']]), bare };
    expect(marshall(doc)).toStrictEqual(sdkMarshall(doc, options));
  });
});

describe('unmarshall', () => {
  it('gives back the documents util-dynamodb gives back', () => {
    fc.assert(
      fc.property(documents(false), (doc) => {
        const item = sdkMarshall(doc, options) as Record<string, AttributeValue>;
        expect(unmarshall(item)).toStrictEqual(sdkUnmarshall(item as Record<string, SdkAttributeValue>));
      }),
      { numRuns: 1000 },
    );
  });

  // Numbers as DynamoDB may hold them: big integers come back as bigint, big fractions are refused.
  const numberString = fc.oneof(
    fc.maxSafeInteger().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.bigInt({ min: -(10n ** 38n), max: 10n ** 38n }).map(String),
    fc.constantFrom('1.5e20', '123456789012345678901234.5', '1e400', '-1e400', '0.000000000000000000000000001', '-0'),
  );
  const attributeValue = fc.letrec<{ av: AttributeValue }>((tie) => ({
    av: fc.oneof(
      { depthSize: 'small' },
      fc.string().map((S) => ({ S })),
      numberString.map((N) => ({ N })),
      fc.boolean().map((BOOL) => ({ BOOL })),
      fc.constant({ NULL: true }),
      fc.uint8Array({ maxLength: 8 }).map((B) => ({ B })),
      fc.array(fc.string(), { minLength: 1, maxLength: 3 }).map((SS) => ({ SS })),
      fc.array(numberString, { minLength: 1, maxLength: 3 }).map((NS) => ({ NS })),
      fc.array(fc.uint8Array({ maxLength: 4 }), { minLength: 1, maxLength: 3 }).map((BS) => ({ BS })),
      fc.array(tie('av'), { maxLength: 3 }).map((L) => ({ L })),
      fc.dictionary(key, tie('av'), { maxKeys: 3 }).map((M) => ({ M })),
    ),
  })).av;

  it('agrees with util-dynamodb on any AttributeValue, numbers beyond the safe range included', () => {
    fc.assert(
      fc.property(fc.dictionary(key, attributeValue, { maxKeys: 5 }), (item) => {
        const mine = attempt(() => unmarshall(item));
        const sdk = attempt(() => sdkUnmarshall(item as Record<string, SdkAttributeValue>));
        expect(mine.ok).toBe(sdk.ok);
        if (mine.ok && sdk.ok) expect(mine.value).toStrictEqual(sdk.value);
      }),
      { numRuns: 1000 },
    );
  });

  it('N is a number, a bigint beyond the safe range, as the SDK by default', () => {
    expect(unmarshall({ a: { N: '42' }, b: { N: '1.25' }, c: { N: '12345678901234567890' } })).toStrictEqual({ a: 42, b: 1.25, c: 12345678901234567890n });
    expect(() => unmarshall({ a: { N: '1.5e20' } })).toThrow(/BigInt/);
  });
});

describe('the wire form the client sends and receives', () => {
  it('round-trips through JSON to what util-dynamodb gives back (binaries as base64 on the wire)', () => {
    fc.assert(
      fc.property(documents(false), (doc) => {
        const wire = JSON.parse(JSON.stringify(marshallWire(doc))) as Record<string, AttributeValue>;
        const back = unmarshallWire(wire);
        expect(bytes(back)).toStrictEqual(bytes(sdkUnmarshall(sdkMarshall(doc, options) as Record<string, SdkAttributeValue>)));
      }),
      { numRuns: 1000 },
    );
  });

  it('encodes binaries and binary sets as base64 and decodes them to Uint8Array', () => {
    const wire = marshallWire({ b: Buffer.from('hi'), u: new Uint8Array([0, 255]), s: new Set([new Uint8Array([1]), Buffer.from([2, 3])]) });
    expect(wire).toStrictEqual({ b: { B: 'aGk=' }, u: { B: 'AP8=' }, s: { BS: ['AQ==', 'AgM='] } });
    const back = unmarshallWire(wire);
    expect(back.u).toBeInstanceOf(Uint8Array);
    expect([...(back.u as Uint8Array)]).toEqual([0, 255]);
    expect([...(back.s as Set<Uint8Array>)].map((b) => [...b])).toEqual([[1], [2, 3]]);
  });
});
