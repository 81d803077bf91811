/**
 * The CDK app (cdk.json runs it with tsx). Synthesis needs no credentials and makes no lookups:
 * the stack is environment-agnostic unless the CLI provides an account and region.
 */
import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { YijianStack } from './yijian-stack';

const app = new App();

new YijianStack(app, 'YijianStack', {
  description: 'yijian (意见箱): feedback desk — table, functions, HTTP API and staff user pool',
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: process.env.CDK_DEFAULT_REGION,
  },
});
Tags.of(app).add('project', 'yijian');

// cdk-nag runs at every synth; an unacknowledged finding fails it.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

app.synth();
