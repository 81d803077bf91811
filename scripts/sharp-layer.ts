/**
 * `npm run sharp-layer`: builds the Lambda layer with sharp for linux-arm64 (infra/sharp-layer.ts)
 * from the version package-lock.json pins. Run it before `cdk deploy`; it needs the npm registry.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSharpLayerDir } from '../infra/sharp-layer';
import { projectRoot } from '../infra/yijian-function';

const lock = JSON.parse(readFileSync(join(projectRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
const version = lock.packages['node_modules/sharp']?.version;
if (!version) throw new Error('sharp is not in package-lock.json');
const target = join(defaultSharpLayerDir, 'nodejs');
rmSync(defaultSharpLayerDir, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
// npm picks sharp's optional packages for the platform named here, not this machine's.
execFileSync('npm', ['install', '--prefix', target, '--no-save', '--no-audit', '--no-fund', '--os=linux', '--cpu=arm64', '--libc=glibc', `sharp@${version}`], { stdio: 'inherit' });
console.log(`sharp ${version} for linux-arm64 in ${target}`);
