/**
 * `node --import tsx scripts/bundle-function.ts <handler> <outdir>`: one function's bundle, as it
 * is deployed (infra/bundling.ts `bundleFunction`). The stack runs it at synthesis for each
 * function (infra/yijian-function.ts): CDK's local bundling calls a synchronous hook, and esbuild's
 * plugins only run in its asynchronous API, so the build runs in a process of its own.
 */
import { bundleFunction, handlerEntry } from '../infra/bundling';

const [handler, outdir] = process.argv.slice(2);
if (!handler || !outdir) {
  process.stderr.write('usage: node --import tsx scripts/bundle-function.ts <handler> <outdir>\n');
  process.exit(2);
}
await bundleFunction(handlerEntry(handler), outdir);
