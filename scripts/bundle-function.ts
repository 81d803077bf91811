/**
 * `node --import tsx scripts/bundle-function.ts <handler> <outdir>`: one function's bundle, as it
 * is deployed (infra/bundling.ts `bundleFunction`). `--all <dir>`: every function's, each in
 * `<dir>/<handler>`, in one process. The stack runs it at synthesis (infra/yijian-function.ts):
 * CDK's local bundling calls a synchronous hook, and esbuild's plugins only run in its
 * asynchronous API, so the builds run in a process of their own, all at once (one process, whose
 * plugins read each SDK module once, rather than one per function).
 */
import { join } from 'node:path';
import { bundleFunction, handlerEntry } from '../infra/bundling';
import { lambdaHandlers } from './lambda-bundles';

const [handler, outdir] = process.argv.slice(2);
if (!handler || !outdir) {
  process.stderr.write('usage: node --import tsx scripts/bundle-function.ts <handler>|--all <outdir>\n');
  process.exit(2);
}
for (const one of handler === '--all' ? lambdaHandlers() : [handler]) await bundleFunction(handlerEntry(one), handler === '--all' ? join(outdir, one) : outdir);
