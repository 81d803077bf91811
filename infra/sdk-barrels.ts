/**
 * An esbuild plugin that has the AWS SDK's modules import each name they take from an index of
 * @smithy/core or @aws-sdk/core (`@smithy/core/serde`, `@aws-sdk/core/protocols` ...) from the
 * file that defines it.
 *
 * Why: esbuild splits a bundle by files, and a file any entry point reaches through its imports
 * counts as that entry point's, whether it uses the file or not. Those indexes re-export every
 * part of their area (every protocol: JSON, XML, CBOR, query), so the handler's module, whose
 * DynamoDB client takes its JSON protocol from one, reached S3's XML protocol, which the lazily
 * loaded S3 client uses; esbuild put that code in a chunk both load, and every cold start of the
 * functions that attach uploads read and ran it (measured: about 4 ms of create-follow-up's and
 * create-reply's, 35 KB, bench/). Imported from their files, the names bring only their files.
 *
 * An index's own code (serde's Uint8ArrayBlobAdapter, the endpoint and retry middleware bound to
 * their defaults) becomes a module of its own, the index without its re-exports, which then is the
 * only copy of it in the bundle. The SDK's modules write these imports on one line each, as
 * `import { a, b as c } from "@smithy/core/serde";`, which is what is rewritten; anything else is
 * left as written. Written here because esbuild has no such option (bundlers that have one call
 * it "lazy barrel" optimisation) and no maintained plugin does it.
 */
import type { Plugin, PluginBuild } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The SDK's ESM modules, the only importers of these indexes in the functions' bundles. */
export const sdkModule = /[\\/]node_modules[\\/]@(?:smithy|aws-sdk)[\\/][^\\/]+[\\/]dist-es[\\/].+\.js$/;
/** An index of @smithy/core or @aws-sdk/core: the package's or one of its submodules'. */
const indexFile = /[\\/]@(?:smithy|aws-sdk)[\\/]core[\\/]dist-es[\\/](?:submodules[\\/][^\\/]+[\\/])?index\.js$/;
const importOfIndex = /^(import|export) \{([^}]*)\} from "(@(?:smithy|aws-sdk)\/core(?:\/[a-z-]+)?)";$/gm;
const reExport = /^export \{([^}]*)\} from "([^"]+)";$/gm;
/** The suffix that names an index's own code, the index without its re-exports. */
const locals = '?yijian-index-locals';

/** Where a name an index exports comes from: a file (or the index's own code) and its name there. */
interface Origin {
  readonly file: string;
  readonly name: string;
}

/** `a, b as c` as [name, exported as] pairs. */
const names = (list: string): [string, string][] =>
  list
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [name, alias] = part.split(/\s+as\s+/) as [string, string | undefined];
      return [name, alias ?? name];
    });

/** Resolved specifiers, by the node_modules folder they were resolved from (a package name resolves alike from anywhere in it). */
const resolved = new Map<string, Promise<string>>();

const resolveFrom = (build: PluginBuild, specifier: string, importer: string): Promise<string> => {
  const key = specifier.startsWith('.') ? `${dirname(importer)}\0${specifier}` : `${importer.slice(0, importer.lastIndexOf('node_modules'))}\0${specifier}`;
  let path = resolved.get(key);
  if (!path) resolved.set(key, (path = build.resolve(specifier, { kind: 'import-statement', resolveDir: dirname(importer), importer }).then((result) => result.path)));
  return path;
};

/** The names an index re-exports, each traced to its file (through indexes it re-exports from). */
const originsOf = (build: PluginBuild, cache: Map<string, Promise<Map<string, Origin>>>, index: string): Promise<Map<string, Origin>> => {
  let origins = cache.get(index);
  if (!origins) {
    origins = (async () => {
      const map = new Map<string, Origin>();
      for (const [, list, specifier] of (await readFile(index, 'utf8')).matchAll(reExport)) {
        const file = await resolveFrom(build, specifier!, index);
        const inner = indexFile.test(file) ? await originsOf(build, cache, file) : undefined;
        for (const [name, alias] of names(list!)) {
          const origin = inner ? inner.get(name) : { file, name };
          if (origin) map.set(alias, origin);
        }
      }
      return map;
    })();
    cache.set(index, origins);
  }
  return origins;
};

/** One import (or re-export) statement per file the names come from. */
const rewritten = async (build: PluginBuild, cache: Map<string, Promise<Map<string, Origin>>>, importer: string, keyword: string, list: string, specifier: string): Promise<string> => {
  const index = await resolveFrom(build, specifier, importer);
  if (!indexFile.test(index)) return `${keyword} {${list}} from "${specifier}";`;
  const origins = await originsOf(build, cache, index);
  const byFile = new Map<string, string[]>();
  for (const [name, alias] of names(list)) {
    // Not re-exported from a file: the index's own code.
    const origin = origins.get(name) ?? { file: `${index}${locals}`, name };
    byFile.set(origin.file, [...(byFile.get(origin.file) ?? []), origin.name === alias ? alias : `${origin.name} as ${alias}`]);
  }
  return [...byFile].map(([file, parts]) => `${keyword} { ${parts.join(', ')} } from ${JSON.stringify(file)};`).join('\n');
};

/**
 * What a module becomes, by path: the same for every build of a process (the bundle test and the
 * stack's synthesis build every function, all with esbuildOptions' resolution), so each module is
 * read and rewritten once.
 */
const loaded = new Map<string, Promise<string | undefined>>();
const origins = new Map<string, Promise<Map<string, Origin>>>();

const load = async (build: PluginBuild, path: string, suffix: string | undefined): Promise<string | undefined> => {
  const source = await readFile(path, 'utf8');
  if (suffix === locals) return source.replace(reExport, '');
  const statements = [...source.matchAll(importOfIndex)];
  if (statements.length === 0) return undefined;
  const replacements = await Promise.all(statements.map(([, keyword, list, specifier]) => rewritten(build, origins, path, keyword!, list!, specifier!)));
  let index = 0;
  return source.replace(importOfIndex, () => replacements[index++]!);
};

export const sdkBarrels: Plugin = {
  name: 'yijian-sdk-barrels',
  setup(build) {
    build.onLoad({ filter: sdkModule }, async (args) => {
      const key = `${args.path}${args.suffix ?? ''}`;
      let contents = loaded.get(key);
      if (!contents) loaded.set(key, (contents = load(build, args.path, args.suffix)));
      const text = await contents;
      return text === undefined ? undefined : { contents: text, loader: 'js' };
    });
    build.onResolve({ filter: /\?yijian-index-locals$/ }, (args) => ({ path: args.path.slice(0, -locals.length), suffix: locals }));
  },
};
