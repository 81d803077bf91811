/**
 * What the deployed console needs from the stack's staff identity: its configuration (published
 * as /config.json by infra/site-pages.ts, read at run time, so no build per deployment), the
 * Cognito endpoints its CSP must let it call, and a warning while staff cannot sign in yet.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { consoleScopes, defaultConsoleUrl, type StaffIdentity } from './staff-identity';

/** The console's configuration: its region, user pool, app client, managed login and API base. */
export function consoleConfigOf(identity: StaffIdentity, region: string): Readonly<Record<string, unknown>> {
  return {
    region,
    userPoolId: identity.userPool.userPoolId,
    clientId: identity.client.userPoolClientId,
    cognitoDomain: identity.domainUrl ?? null,
    apiBase: '/api',
    // The shape web/src/console/auth.ts reads: present only when there is a managed login.
    ...(identity.domainUrl === undefined
      ? {}
      : {
          cognito: {
            domain: identity.domainUrl,
            clientId: identity.client.userPoolClientId,
            scopes: consoleScopes.map((scope) => scope.scopeName),
            // No redirectUri: the console returns to its own URL, which must equal consoleUrl.
          },
        }),
  };
}

/** The Cognito endpoints the console calls: the user pool's, and the managed login's token endpoint. */
export function consoleConnectSources(identity: StaffIdentity, stack: Stack): string[] {
  return [
    `https://cognito-idp.${stack.region}.${stack.urlSuffix}`,
    ...(identity.domainUrl === undefined ? [] : [identity.domainUrl]),
  ];
}

/** A synth warning on `stack` (yijian:StaffSignIn) naming what is missing for staff to sign in. */
export function warnUntilStaffCanSignIn(stack: Stack, identity: StaffIdentity): void {
  const consoleUrl = identity.consoleUrl;
  if (identity.domainUrl === undefined || consoleUrl === defaultConsoleUrl) {
    Validations.of(stack).addWarning(
      'yijian:StaffSignIn',
      'Staff cannot sign in to the deployed console yet: ' +
        [
          ...(identity.domainUrl === undefined ? ['set context cognitoDomainPrefix (a Cognito domain for the managed login)'] : []),
          ...(consoleUrl === defaultConsoleUrl ? ['set context consoleUrl to the ConsoleUrl output after the first deploy'] : []),
        ].join(', and ') +
        '.',
    );
  }
}
