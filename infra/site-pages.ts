/**
 * What goes into the pages bucket: the Vite build (web/dist), or a placeholder when there is none
 * so a synth never needs a front-end build, and beside it the console's configuration
 * (/config.json), written from the stack's own values so the console needs no rebuild per deployment.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct, IConstruct } from 'constructs';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { projectRoot } from './yijian-function';

/** Where `vite build` writes the pages (vite.config.ts), relative to the repository root. */
export const defaultWebDist = 'web/dist';

/** The built pages: context `webDist` (relative to the repository root, or absolute), else web/dist. */
export function webDistFrom(scope: IConstruct): string {
  const value: unknown = scope.node.tryGetContext('webDist');
  const path = value === undefined || value === '' ? defaultWebDist : String(value);
  return isAbsolute(path) ? path : resolve(projectRoot, path);
}

/**
 * The console's configuration: the deployment's Cognito settings, read at run time. Published
 * under each of these keys (`config.json`, and `console-config.json`, the name
 * web/src/console/auth.ts fetches today), so no build of the pages depends on a deployment.
 */
export const consoleConfigKeys = ['config.json', 'console-config.json'] as const;

/** The Vite build puts every hashed file (JS, CSS, images) under assets/. */
const assetsDir = 'assets';

/** Created once per process when web/dist is missing: the same content, hence the same asset hash. */
let placeholderDir: string | undefined;
const placeholderPages = (): string => {
  if (placeholderDir !== undefined && existsSync(placeholderDir)) return placeholderDir;
  const dir = mkdtempSync(join(tmpdir(), 'yijian-site-placeholder-'));
  const page = (title: string) =>
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>yijian: ' +
    title +
    '</title></head>\n<body><h1>yijian</h1><p>The web pages were not built when this stack was ' +
    'synthesised. Run <code>npx vite build</code>, then deploy again.</p></body></html>\n';
  for (const [file, title] of [
    ['index.html', 'form'],
    ['track.html', 'tracking'],
    ['answers.html', 'published answers'],
    ['session.html', 'session'],
    ['console.html', 'console'],
    ['404.html', 'not found'],
  ]) {
    writeFileSync(join(dir, file), page(title!));
  }
  // Staging copies it into the cloud assembly, so it may go when the process does.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  placeholderDir = dir;
  return dir;
};

export interface SitePagesProps {
  /** The folder of the built pages (vite build); a placeholder is deployed when it is missing. */
  readonly webDist: string;
  readonly bucket: Bucket;
  /** Invalidated for the pages and the configuration after each deployment. */
  readonly distribution: Distribution;
  /** Published under each of consoleConfigKeys; may hold deploy-time values (tokens). */
  readonly consoleConfig: Readonly<Record<string, unknown>>;
}

export interface SitePages {
  /** The folder that was deployed: the build, or the placeholder when the build was missing. */
  readonly pagesDir: string;
  readonly usesPlaceholder: boolean;
  /** The hashed files (assets/), when the build has any. */
  readonly assetsDeployment?: BucketDeployment;
  readonly pagesDeployment: BucketDeployment;
  readonly configDeployment: BucketDeployment;
}

/** `DeploymentLogs`, `DeployAssets` (if any), `DeployPages` and `DeployConfig` in `scope` (the site). */
export function deploySitePages(scope: Construct, props: SitePagesProps): SitePages {
  // The pages: the build if there is one, else a placeholder, so synth never needs a build.
  const built = existsSync(props.webDist) && statSync(props.webDist).isDirectory();
  const pagesDir = built ? props.webDist : placeholderPages();
  if (!built) {
    Validations.of(scope).addWarning(
      'yijian:SitePlaceholder',
      `The web pages are not built (no folder ${props.webDist}): a placeholder page is deployed ` +
        'instead. Run `npx vite build` (or set context webDist) and synthesise again.',
    );
  }

  // The CDK-provided function that copies the files (one per stack, shared by the deployments).
  const deploymentLogs = new LogGroup(scope, 'DeploymentLogs', { retention: RetentionDays.ONE_MONTH });

  // Hashed files first, cached for a year and never pruned: a browser holding the previous
  // index.html still finds its scripts while (and after) the new pages go out.
  const assetsDeployment = existsSync(join(pagesDir, assetsDir))
    ? new BucketDeployment(scope, 'DeployAssets', {
        sources: [Source.asset(join(pagesDir, assetsDir))],
        destinationBucket: props.bucket,
        destinationKeyPrefix: `${assetsDir}/`,
        prune: false,
        cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()],
        logGroup: deploymentLogs,
      })
    : undefined;
  // Then the pages, revalidated on every load (they name the hashed files of their build).
  // Pruned, except for the hashed files and the configuration, which other deployments own.
  const pagesDeployment = new BucketDeployment(scope, 'DeployPages', {
    sources: [Source.asset(pagesDir, { exclude: [assetsDir, '.*'] })],
    destinationBucket: props.bucket,
    prune: true,
    exclude: [`${assetsDir}/*`, ...consoleConfigKeys],
    cacheControl: [CacheControl.noCache()],
    distribution: props.distribution,
    distributionPaths: ['/*'],
    logGroup: deploymentLogs,
  });
  if (assetsDeployment !== undefined) pagesDeployment.node.addDependency(assetsDeployment);
  const configDeployment = new BucketDeployment(scope, 'DeployConfig', {
    sources: consoleConfigKeys.map((key) => Source.jsonData(key, props.consoleConfig)),
    destinationBucket: props.bucket,
    prune: false,
    cacheControl: [CacheControl.noCache()],
    distribution: props.distribution,
    distributionPaths: consoleConfigKeys.map((key) => `/${key}`),
    logGroup: deploymentLogs,
  });
  return {
    pagesDir,
    usesPlaceholder: !built,
    ...(assetsDeployment === undefined ? {} : { assetsDeployment }),
    pagesDeployment,
    configDeployment,
  };
}
