/**
 * sharp for the functions that re-encode photos (those that attach uploads: shared/storage/reencode.ts).
 *
 * sharp is a native module (libvips): esbuild cannot bundle it, and the copy in node_modules is
 * this machine's build (linux-x64 here), not Lambda's (linux-arm64, glibc). So it is a layer,
 * built once before a deployment by `npm run sharp-layer` (scripts/sharp-layer.ts): npm installs
 * the version package-lock.json pins, with its prebuilt linux-arm64 binaries (sharp's
 * @img/sharp-linux-arm64 and @img/sharp-libvips-linux-arm64 packages, from the registry like any
 * dependency: nothing is downloaded by an install script, and nothing at run time), into
 * .build/sharp-layer/nodejs/node_modules. The runtime puts /opt/nodejs/node_modules on NODE_PATH,
 * where reencode.ts's `require('sharp')` finds it. Only the attaching functions carry the layer.
 *
 * Chosen over installing sharp beside each attaching function's bundle, which would run npm install
 * in every synthesis of every attaching function (the tests' included), and over a dedicated re-encoding
 * function, which would add an invocation, its IAM and its failure modes to every attachment.
 *
 * Without the built folder (a synthesis for tests, or before the first `npm run sharp-layer`), an
 * empty layer is used and synthesis warns: photos could then not be attached.
 */
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { projectRoot, YijianFunction } from './yijian-function';

/** Where scripts/sharp-layer.ts builds the layer. */
export const defaultSharpLayerDir = join(projectRoot, '.build', 'sharp-layer');

const isBuilt = (dir: string) => existsSync(join(dir, 'nodejs', 'node_modules', 'sharp', 'package.json'));

let placeholder: string | undefined;
const emptyLayer = (): string => {
  if (placeholder !== undefined && existsSync(placeholder)) return placeholder;
  const dir = mkdtempSync(join(tmpdir(), 'yijian-sharp-layer-'));
  writeFileSync(join(dir, 'README.txt'), 'Run `npm run sharp-layer` and synthesise again.\n');
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return (placeholder = dir);
};

export function createSharpLayer(scope: Construct, dir: string = defaultSharpLayerDir): LayerVersion {
  const built = isBuilt(dir);
  if (!built) {
    Validations.of(scope).addWarning(
      'yijian:SharpLayerMissing',
      `sharp is not built for Lambda (no ${join(dir, 'nodejs', 'node_modules', 'sharp')}): photos cannot be attached. Run \`npm run sharp-layer\` and synthesise again.`,
    );
  }
  return new LayerVersion(scope, 'SharpLayer', {
    code: Code.fromAsset(built ? dir : emptyLayer()),
    compatibleArchitectures: [Architecture.ARM_64],
    compatibleRuntimes: [YijianFunction.runtime],
    description: 'sharp (libvips) for linux-arm64: re-encodes attached photos without their metadata',
  });
}
