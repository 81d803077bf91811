import { build, type Plugin } from 'esbuild';

/** An ESM bundle of `source` (its imports resolved from the repository) with `plugins`, as text. */
export const bundleSource = async (source: string, plugins: Plugin[], minify = true): Promise<string> => {
  const result = await build({
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    minify,
    mainFields: ['module', 'main'],
    plugins,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
};
