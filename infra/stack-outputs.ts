/**
 * The stack's outputs: what an operator or a client needs after a deploy (URLs, names, ids).
 * The site's outputs (infra/site.ts), the DKIM records (infra/notify-worker.ts) and the function
 * URLs (infra/route-functions.ts) are made where their values are.
 */
import { CfnOutput } from 'aws-cdk-lib';
import type { YijianStack } from './yijian-stack';

/** The outputs in `stack`'s own scope, made last so they follow everything else in the template. */
export function addStackOutputs(stack: YijianStack): void {
  const identity = stack.staffIdentity;
  const domain = stack.apiDomain;
  // With a custom domain the execute-api endpoint is disabled: the API's only address is the domain.
  new CfnOutput(stack, 'ApiUrl', { value: domain === undefined ? stack.api.apiEndpoint : `https://${domain.name}` });
  if (domain !== undefined) {
    new CfnOutput(stack, 'ApiDomainTarget', {
      value: domain.regionalDomainName,
      description: `DNS: point ${domain.name} here (CNAME), or CloudFront cannot reach the API`,
    });
  }
  new CfnOutput(stack, 'TableName', { value: stack.table.tableName });
  new CfnOutput(stack, 'UserPoolId', { value: identity.userPool.userPoolId });
  new CfnOutput(stack, 'UserPoolClientId', { value: identity.client.userPoolClientId });
  new CfnOutput(stack, 'JwtIssuer', { value: identity.issuerUrl });
  if (identity.domainUrl !== undefined) new CfnOutput(stack, 'CognitoDomainUrl', { value: identity.domainUrl });
  new CfnOutput(stack, 'AlarmTopicArn', { value: stack.workers.alarmTopic.topicArn });
  new CfnOutput(stack, 'NotifyFailureQueueUrl', { value: stack.workers.notifyFailures.queueUrl });
  new CfnOutput(stack, 'SweepFailureQueueUrl', { value: stack.workers.sweepFailures.queueUrl });
}
