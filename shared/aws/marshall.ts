/**
 * Documents <-> DynamoDB AttributeValues, as @aws-sdk/util-dynamodb's marshall/unmarshall do with
 * the options the project uses (removeUndefinedValues: true, convertClassInstanceToMap: false,
 * numbers unwrapped). test/unit/dynamodb-lite-marshall.test.ts holds the two to the same results.
 *
 * Two forms of binary: the SDK's form (B as the caller's Uint8Array) for marshall/unmarshall, and
 * the JSON wire form (B as base64) that ./dynamodb.ts sends and receives, so that binaries are
 * encoded while the value is built instead of in a second walk over the request.
 */

export type AttributeValue = {
  S?: string;
  N?: string;
  B?: Uint8Array | string;
  SS?: string[];
  NS?: string[];
  BS?: (Uint8Array | string)[];
  M?: Record<string, AttributeValue>;
  L?: AttributeValue[];
  NULL?: boolean;
  BOOL?: boolean;
};

/** Anything a document may hold (the SDK's NativeAttributeValue is as wide). */
export type NativeAttributeValue = any;

const ctorName = (v: unknown): string | undefined => (v as { constructor?: { name?: string } } | null | undefined)?.constructor?.name;

// Blob and File are left out (the SDK lists them): their bytes cannot be read synchronously, so
// refusing them beats sending `{}`.
const binaryTypes = new Set(
  'ArrayBuffer Buffer DataView Int8Array Uint8Array Uint8ClampedArray Int16Array Uint16Array Int32Array Uint32Array Float32Array Float64Array BigInt64Array BigUint64Array'.split(' '),
);
const isBinary = (v: unknown) => binaryTypes.has(ctorName(v) as string);

const base64 = (v: ArrayBuffer | ArrayBufferView) =>
  (ArrayBuffer.isView(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : Buffer.from(v)).toString('base64');

/** As the SDK: NaN and ±Infinity are refused, and so is any number past ±MAX_SAFE_INTEGER (it would lose digits). */
const numberString = (n: unknown): string => {
  const s = String(n);
  if (s === 'NaN' || s === 'Infinity' || s === '-Infinity') throw new Error(`Special numeric value ${s} is not allowed`);
  if (Number(n) > Number.MAX_SAFE_INTEGER) throw new Error(`Number ${s} is greater than Number.MAX_SAFE_INTEGER. Use a bigint.`);
  if (Number(n) < Number.MIN_SAFE_INTEGER) throw new Error(`Number ${s} is lesser than Number.MIN_SAFE_INTEGER. Use a bigint.`);
  return s;
};

const keep = (v: unknown) => v !== undefined && typeof v !== 'function';

const toMap = (entries: Iterable<[string, unknown]>, wire: boolean) => {
  const M: Record<string, AttributeValue> = {};
  for (const [k, v] of entries) if (keep(v)) M[k] = toAttr(v, wire);
  return { M };
};

function* enumerable(o: Record<string, unknown>): Generator<[string, unknown]> {
  // for...in as the SDK (inherited enumerable properties included).
  for (const k in o) yield [k, o[k]];
}

const toSet = (set: Set<unknown>, wire: boolean): AttributeValue => {
  const values = [...set].filter((v) => v !== undefined);
  if (values.length === 0) throw new Error('Pass a non-empty set, or options.convertEmptyValues=true.');
  // The first member decides the set's type, as in the SDK.
  const first = values[0];
  if (typeof first === 'number') return { NS: values.map(numberString) };
  if (typeof first === 'bigint') return { NS: values.map(String) };
  if (typeof first === 'string') return { SS: values.map(String) };
  if (isBinary(first)) return { BS: values.map((v) => (wire ? base64(v as ArrayBufferView) : (v as Uint8Array))) };
  throw new Error('Only Number Set (NS), Binary Set (BS) or String Set (SS) are allowed.');
};

const toAttr = (data: unknown, wire: boolean): AttributeValue => {
  if (data === undefined) throw new Error('Pass options.removeUndefinedValues=true to remove undefined values from map/array/set.');
  if (data === null) return { NULL: true };
  if (Array.isArray(data)) return { L: data.filter(keep).map((v) => toAttr(v, wire)) };
  const c = ctorName(data);
  if (c === 'Set') return toSet(data as Set<unknown>, wire);
  if (c === 'Map') return toMap(data as Map<string, unknown>, wire);
  if (c === 'Object' || (typeof data === 'object' && !(data as object).constructor)) return toMap(enumerable(data as Record<string, unknown>), wire);
  if (isBinary(data)) return { B: wire ? base64(data as ArrayBufferView) : (data as Uint8Array) };
  if (typeof data === 'boolean' || c === 'Boolean') return { BOOL: Boolean((data as boolean).valueOf()) };
  if (typeof data === 'number' || c === 'Number') return { N: numberString(data) };
  if (typeof data === 'bigint') return { N: data.toString() };
  if (typeof data === 'string' || c === 'String') return { S: String(data) };
  // The type only, never the value: error messages must not carry data.
  throw new Error(`Unsupported type passed: ${c ?? typeof data}. Pass options.convertClassInstanceToMap=true to marshall typeof object as map attribute.`);
};

/** As the SDK: numbers beyond the safe range come back as bigint (and a fraction there is refused). */
const toNumber = (s: string): number | bigint => {
  const n = Number(s);
  if ((n > Number.MAX_SAFE_INTEGER || n < Number.MIN_SAFE_INTEGER) && Math.abs(n) !== Infinity) {
    try {
      return BigInt(s);
    } catch {
      throw new Error(`${s} can't be converted to BigInt. Set options.wrapNumbers to get string value.`);
    }
  }
  return n;
};

const fromBinary = (b: Uint8Array | string, wire: boolean) => (wire && typeof b === 'string' ? new Uint8Array(Buffer.from(b, 'base64')) : b);

const toNative = (av: AttributeValue, wire: boolean): NativeAttributeValue => {
  // The switch narrows by key, which the compiler cannot follow: values are typed loosely.
  for (const [k, v] of Object.entries(av) as [string, NativeAttributeValue][]) {
    if (v === undefined) continue;
    switch (k) {
      case 'NULL':
        return null;
      case 'BOOL':
        return Boolean(v);
      case 'N':
        return toNumber(v);
      case 'B':
        return fromBinary(v, wire);
      case 'S':
        return v;
      case 'L':
        return (v as AttributeValue[]).map((x) => toNative(x, wire));
      case 'M':
        return fromMap(v, wire);
      case 'NS':
        return new Set((v as string[]).map(toNumber));
      case 'BS':
        return new Set((v as (Uint8Array | string)[]).map((b) => fromBinary(b, wire)));
      case 'SS':
        return new Set(v as string[]);
      default:
        throw new Error(`Unsupported type passed: ${k}`);
    }
  }
  throw new Error('No value defined');
};

const fromMap = (m: Record<string, AttributeValue>, wire: boolean) => {
  const out: Record<string, NativeAttributeValue> = {};
  // defineProperty: a key named `__proto__` stays data instead of becoming the object's prototype.
  for (const [k, v] of Object.entries(m)) Object.defineProperty(out, k, { value: toNative(v, wire), enumerable: true, writable: true, configurable: true });
  return out;
};

const marshallWith = (doc: Record<string, unknown>, wire: boolean): Record<string, AttributeValue> => {
  // Top-level entries as lib-dynamodb walks them: own properties, undefined and functions skipped.
  const out: Record<string, AttributeValue> = {};
  for (const [k, v] of Object.entries(doc)) if (keep(v)) out[k] = toAttr(v, wire);
  return out;
};

/** `marshall(doc, { removeUndefinedValues: true, convertClassInstanceToMap: false })` of util-dynamodb. */
export const marshall = (doc: Record<string, unknown>) => marshallWith(doc, false);
/** `unmarshall(item)` of util-dynamodb (binaries left as given). */
export const unmarshall = (item: Record<string, AttributeValue>) => fromMap(item, false);
/** One value, as util-dynamodb's convertToAttr / convertToNative. */
export const convertToAttr = (value: unknown) => toAttr(value, false);
export const convertToNative = (value: AttributeValue) => toNative(value, false);

/** The JSON wire forms used by ./dynamodb.ts: binaries as base64 strings. */
export const marshallWire = (doc: Record<string, unknown>) => marshallWith(doc, true);
export const unmarshallWire = (item: Record<string, AttributeValue>) => fromMap(item, true);
