/**
 * An attribute's size as DynamoDB bills it, roughly (name + value): a number is one byte plus one
 * per two significant digits, a binary its bytes, a list three bytes plus one per element and the
 * elements, anything else its UTF-8 text. Used to show what the dashboard's counter items weigh.
 */
export const attributeSize = (name: string, value: unknown): number =>
  Buffer.byteLength(name) +
  (typeof value === 'number'
    ? 1 + Math.ceil(String(Math.abs(value)).length / 2)
    : value instanceof Uint8Array
      ? value.byteLength
      : Array.isArray(value)
        ? 3 + value.reduce((sum: number, v) => sum + 1 + Buffer.byteLength(String(v)), 0)
        : Buffer.byteLength(String(value)));
