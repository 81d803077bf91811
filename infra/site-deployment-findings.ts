/**
 * The cdk-nag findings of the CDK-provided BucketDeployment function, acknowledged on it. It is a
 * singleton of the stack (outside the site construct) that aws-cdk-lib builds with its own role
 * and runtime, and it runs only while CloudFormation deploys the pages: none of it is the desk's.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { Policy } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/** A CloudFormation value as cdk-nag prints it in finding ids (its utils/flatten-cfn-reference). */
const nagText = (value: unknown): string => {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const node = value as Record<string, any>;
  if (node['Fn::Join']) return (node['Fn::Join'][1] as unknown[]).map(nagText).join(node['Fn::Join'][0]);
  if (node['Fn::Sub']) return nagText(node['Fn::Sub']);
  if (node['Fn::GetAtt']) return `<${nagText(node['Fn::GetAtt'][0])}.${nagText(node['Fn::GetAtt'][1])}>`;
  if (node['Fn::ImportValue']) return nagText(node['Fn::ImportValue']);
  if (node.Ref) return `<${nagText(node.Ref)}>`;
  return JSON.stringify(value);
};

/**
 * BucketDeployment runs one CDK-provided function per stack (a singleton, outside the site
 * construct) that copies the assets with the AWS CLI. Its findings are acknowledged on it; call
 * this after the last deployment of `scope`'s stack is made.
 */
export function acknowledgeDeploymentHandler(scope: IConstruct): void {
  const stack = Stack.of(scope);
  const handlers = stack.node.children.filter((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  for (const handler of handlers) {
    // The object ARNs of the buckets it copies between, named as cdk-nag names them: the CDK
    // asset bucket (whose name depends on the environment) and the site bucket.
    const policy = handler.node.tryFindChild('ServiceRole')?.node.tryFindChild('DefaultPolicy') as Policy | undefined;
    const statements = ((policy ? stack.resolve(policy.document) : undefined)?.Statement ?? []) as { Resource?: unknown }[];
    const objectArns = new Set(
      statements
        .flatMap((statement) => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]))
        .map(nagText)
        .filter((resource) => resource.endsWith('/*')),
    );
    Validations.of(handler).acknowledge(
      ...[...objectArns].map((arn) => ({
        id: `AwsSolutions-IAM5[Resource::${arn}]`,
        reason:
          'BucketDeployment (CDK-generated grant) reads the staged objects of the CDK asset bucket ' +
          'and writes and prunes the objects of the site bucket, which holds only the deployed pages; only while deploying.',
      })),
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'The CDK-provided BucketDeployment function (a deploy-time custom resource, not part of ' +
          'the running desk) comes with this role; it runs only while CloudFormation deploys the pages.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:GetObject*]',
        reason:
          'BucketDeployment reads the staged asset objects it copies (CDK-generated grant on the ' +
          'asset bucket\'s objects), only while deploying.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        reason: 'BucketDeployment (CDK-generated grant) reads the buckets it syncs between, only while deploying.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:List*]',
        reason: 'BucketDeployment (CDK-generated grant) lists what is there to sync and prune, only while deploying.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        reason:
          'BucketDeployment (CDK-generated grant) prunes pages of older builds from the site bucket, ' +
          'only while deploying.',
      },
      {
        id: 'AwsSolutions-IAM5[Action::s3:Abort*]',
        reason: 'BucketDeployment (CDK-generated grant) aborts its own failed multipart uploads, only while deploying.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'BucketDeployment (CDK-generated grant): cloudfront:CreateInvalidation and ' +
          'GetInvalidation, which the function calls after a deployment, take no resource ARN here.',
      },
      {
        id: 'AwsSolutions-L1',
        reason:
          'The BucketDeployment function\'s runtime is chosen by aws-cdk-lib for its bundled AWS CLI ' +
          'layer; it moves with aws-cdk-lib upgrades and runs only while deploying.',
      },
    );
  }
}
