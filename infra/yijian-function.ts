/**
 * Every Lambda function of yijian, with its defaults fixed once: ARM64, the newest Node.js
 * runtime, ESM bundles from infra/bundling.ts with source maps, its own log group with a
 * retention, active X-Ray tracing, and its own role that can write to that log group and nothing
 * else until bindTable (or a later binder) grants exactly what the function needs.
 */
import { AssetHashType, Duration, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the functions' entries and node_modules are found from here. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

const bundleScript = fileURLToPath(new URL('../scripts/bundle-function.ts', import.meta.url));

const bundle = (args: string[]): void => {
  execFileSync(process.execPath, ['--import', 'tsx', bundleScript, ...args], { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] });
};

let synthesisBundles: string | undefined;
/**
 * Every function's bundle, built once per synthesis by one process (scripts/bundle-function.ts
 * `--all`) into a folder of this process, removed when it exits: one build process per function
 * took about three times as long (each starting cold).
 */
const bundlesOfThisSynthesis = (): string => {
  if (synthesisBundles === undefined) {
    const folder = mkdtempSync(join(tmpdir(), 'yijian-synthesis-bundles-'));
    process.once('exit', discardSynthesisBundles);
    bundle(['--all', folder]);
    synthesisBundles = folder;
  }
  return synthesisBundles;
};

/** Removes the bundles of this process's synthesis (at exit; a test that synthesises calls it when done). */
export const discardSynthesisBundles = (): void => {
  if (synthesisBundles !== undefined) rmSync(synthesisBundles, { recursive: true, force: true });
  synthesisBundles = undefined;
};

/**
 * A function's code: its bundle as infra/bundling.ts builds it (the build the bundle test and the
 * bench measure), made at synthesis on this machine by scripts/bundle-function.ts, and hashed by
 * its output (a change anywhere in what it bundles deploys it again, nothing else does).
 */
export const functionCode = (handler: string): Code =>
  Code.fromAsset(projectRoot, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // What CDK would run in a container if the local build declined: the same script, in the
      // runtime's build image. It never declines (a failing build stops the synthesis).
      image: YijianFunction.runtime.bundlingImage,
      command: ['npx', 'tsx', 'scripts/bundle-function.ts', handler, '/asset-output'],
      local: {
        tryBundle(outputDir: string): boolean {
          const built = join(bundlesOfThisSynthesis(), handler);
          if (existsSync(built)) cpSync(built, outputDir, { recursive: true });
          else bundle([handler, outputDir]);
          return true;
        },
      },
    },
  });

/** Lambda memory unless a function asks for more (CPU scales with it). */
export const defaultMemoryMb = 512;
/** The HTTP API gives an integration up after this many seconds (its quota, not a setting). */
export const httpApiTimeoutSeconds = 30;
/** Lambda timeout unless a function asks for another: well under `httpApiTimeoutSeconds`. */
export const defaultTimeoutSeconds = 10;

export interface YijianFunctionProps {
  /** The module name under functions/ (as in shared/routes.ts). */
  readonly handler: string;
  readonly description?: string;
  /** @default `defaultMemoryMb`: on Lambda, CPU scales with memory, and that much keeps cold starts short. */
  readonly memorySize?: number;
  /** @default `defaultTimeoutSeconds`: well under the HTTP API's integration limit (`httpApiTimeoutSeconds`). */
  readonly timeout?: Duration;
  readonly environment?: Readonly<Record<string, string>>;
  /** @default `RetentionDays.ONE_MONTH` */
  readonly logRetention?: RetentionDays;
  /** @default none: the function shares the account's unreserved concurrency */
  readonly reservedConcurrentExecutions?: number;
}

export class YijianFunction extends Construct {
  static readonly runtime = Runtime.NODEJS_24_X;

  readonly handlerName: string;
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: YijianFunctionProps) {
    super(scope, id);
    this.handlerName = props.handler;

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });

    // Our own role instead of the default one with AWSLambdaBasicExecutionRole: that managed
    // policy lets a function create log groups and write to any of them.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `yijian ${props.handler}: writes its own log group; data access via bindTable`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new LambdaFunction(this, 'Function', {
      code: functionCode(props.handler),
      handler: 'index.handler',
      runtime: YijianFunction.runtime,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? defaultMemoryMb,
      timeout: props.timeout ?? Duration.seconds(defaultTimeoutSeconds),
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      description: props.description,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      // No NODE_OPTIONS=--enable-source-maps: with it Node reads and parses a bundle's source map
      // as it loads the bundle, at every cold start, in proportion to the map's size (measured
      // here: 20-27 ms more on create-submission's import), and bench/ measures the bundles as
      // deployed, without it. The map stays beside the bundle, to read a logged stack offline.
      environment: {
        POWERTOOLS_SERVICE_NAME: 'yijian',
        ...props.environment,
      },
    });

    // Tracing.ACTIVE adds xray:PutTraceSegments and xray:PutTelemetryRecords on "*" to this role's
    // default policy. Acknowledged here, on that policy only; test/infra checks that no other
    // statement of a function's role has a wildcard resource (but for dynamodb:ListStreams of the
    // stream consumers, acknowledged separately in infra/worker-queues.ts).
    const defaultPolicy = this.role.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy !== undefined) {
      Validations.of(defaultPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support ' +
          'resource-level permissions, so AWS requires Resource "*" for them.',
      });
    }
  }

  addEnvironment(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }
}
