/**
 * An esbuild plugin that lets the bundler drop the AWS SDK schemas a function never uses.
 *
 * Every SDK v3 client describes all of its operations in one generated module
 * (`dist-es/schemas/schemas_0.js`): an array per shape, whose traits are object literals keyed by
 * the module's own string constants, `{ [_hH]: _xacc }` (`const _hH = "httpHeader"`). esbuild
 * keeps any object literal with a computed key it cannot prove to be a primitive (converting a key
 * may run code), so it keeps every shape of the module whether an operation uses it or not:
 * measured, 65 KB of S3's 138 KB of schemas in every function that touches the bucket, where a
 * presign or an upload needs about 10 KB of them. Written as the string the constant holds,
 * `{ "httpHeader": _xacc }`, a key is plainly pure and the unused shapes go.
 *
 * Written here because no option of esbuild does it and no maintained plugin exists for it; it
 * changes nothing but how those keys are spelled (the same strings, the same objects: the
 * plugin's unit test evaluates both spellings), and only in the SDK clients' schema modules.
 */
import { readFile } from 'node:fs/promises';
import type { Plugin } from 'esbuild';

/** The generated schema modules of the SDK's clients (`@aws-sdk/client-*`), ESM build. */
export const schemaModule = /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/;

/** The module's source with every computed key that names one of its string constants written as that string. */
export const literalSchemaKeys = (source: string): string => {
  const strings = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) strings.set(name, literal);
  return source.replace(/\[(_\w+)\]:/g, (key, name: string) => strings.get(name)?.concat(':') ?? key);
};

export const sdkSchemaKeys: Plugin = {
  name: 'yijian-sdk-schema-keys',
  setup(build) {
    build.onLoad({ filter: schemaModule }, async (args) => ({ contents: literalSchemaKeys(await readFile(args.path, 'utf8')), loader: 'js' }));
  },
};
