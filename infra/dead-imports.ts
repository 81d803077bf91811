/**
 * The `import()`s of a bundle that nothing can call, and an esbuild plugin that leaves them out.
 *
 * esbuild makes an entry point (a chunk) of every `import()` in the modules it reads, also where
 * tree-shaking then removes the code that calls it: many functions read the module that loads the
 * attaching requests (shared/services/attach.ts) for another of its exports, some the module that
 * loads the room secret's Secrets Manager reads, the SDK reads a browser-only user-agent parser.
 * Nothing can load such a chunk, yet it still counts where esbuild splits the code: what it needs
 * that the handler's module also reaches (the SDK's modules re-export one another) goes to a chunk
 * the handler's module imports, and every cold start reads and runs it (measured: 7 to 8 KB of
 * the cold start of a dozen functions, and of the signing functions' S3 path, bench/). So
 * infra/bundling.ts builds a bundle twice: the first build finds these (`deadImports`), the second
 * makes each external (`leaveOut`): nothing calls it, so nothing of it is written.
 */
import type { Metafile, Plugin } from 'esbuild';
import { resolve } from 'node:path';

export interface DeadImports {
  /** The specifiers as the importing modules write them, and the files they resolve to. */
  readonly specifiers: ReadonlySet<string>;
  readonly paths: ReadonlySet<string>;
}

/** The handler's module in a bundle's files (`index.mjs`; the chunks are under `chunks/`). */
export const isHandlerModule = (file: string): boolean => /(^|[\\/])index\.mjs$/.test(file) && !/[\\/]chunks[\\/]/.test(file);

/**
 * The output files the handler's module loads, itself included: by static imports and `import()`,
 * or, `staticOnly`, by static imports alone (what every cold start reads).
 */
export const reachableFiles = (metafile: Metafile, { staticOnly = false } = {}): Set<string> => {
  const reachable = new Set(Object.keys(metafile.outputs).filter(isHandlerModule));
  for (const file of reachable) {
    for (const { path, kind } of metafile.outputs[file]!.imports) if (metafile.outputs[path] && (!staticOnly || kind === 'import-statement')) reachable.add(path);
  }
  return reachable;
};

/**
 * The `import()`s whose chunk the handler's module cannot reach, in a build's metafile (paths
 * relative to `workingDir`, esbuild's working directory).
 */
export const deadImports = (metafile: Metafile, workingDir = process.cwd()): DeadImports => {
  const reachable = reachableFiles(metafile);
  const paths = new Set(
    Object.entries(metafile.outputs)
      .filter(([file, output]) => file.endsWith('.mjs') && output.entryPoint !== undefined && !reachable.has(file))
      .map(([, output]) => resolve(workingDir, output.entryPoint!)),
  );
  const specifiers = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const imported of input.imports) {
      if (imported.kind === 'dynamic-import' && paths.has(resolve(workingDir, imported.path))) specifiers.add(imported.original ?? imported.path);
    }
  }
  return { specifiers, paths };
};

const escaped = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const ownResolve = Symbol('dead-imports');

/** Makes every `import()` of `dead` external: the code that called it is gone, so it is never written. */
export const leaveOut = (dead: DeadImports): Plugin => ({
  name: 'yijian-dead-imports',
  setup(build) {
    if (dead.specifiers.size === 0) return;
    build.onResolve({ filter: new RegExp(`^(${[...dead.specifiers].map(escaped).join('|')})$`) }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.pluginData === ownResolve) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: ownResolve });
      return dead.paths.has(resolved.path) ? { path: args.path, external: true } : undefined;
    });
  },
});
