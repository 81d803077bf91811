/**
 * The CDK app (cdk.json runs it with tsx). Synthesis needs no credentials and makes no lookups:
 * the stacks are environment-agnostic unless the CLI provides an account and region (infra/app-stacks.ts).
 */
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addYijianStacks } from './app-stacks';

const app = new App();

addYijianStacks(app, {
  description: 'yijian (意见箱): feedback desk — table, functions, HTTP API and staff user pool',
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    // -c region=<region> lets an offline synth name the region (the WAF's cross-region reference needs it).
    region: process.env.CDK_DEFAULT_REGION ?? (app.node.tryGetContext('region') as string | undefined),
  },
});
Tags.of(app).add('project', 'yijian');

// cdk-nag runs at every synth; an unacknowledged finding fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();
