/**
 * Who the staff are: the Cognito user pool (accounts are made by the office, nobody signs up), its
 * groups (the `cognito:groups` claim the handlers take roles from: docs/api.md, "Staff endpoints"),
 * the console's app client and the HTTP API JWT authorizer that verifies its access tokens.
 */
import { Duration, type NestedStack, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  OAuthScope,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { demoDirectory } from '../shared/demo/directory';
import { groupSchema } from '../shared/schemas/directory';
import { addLiaisonGroups } from './liaison-groups';

/** The roles of docs/api.md that are not per supervision group. */
export const officeGroup = 'office';
export const leaderGroup = 'leader';
/** `group:<groupId>`: a responder of that supervision group. */
export const supervisionGroupName = (groupId: string): string => `group:${groupId}`;
/** `unit:<unitId>`: the liaison of that member unit (infra/liaison-groups.ts says which units). */
export const liaisonGroupName = (unitId: string): string => `unit:${unitId}`;

/** Every Cognito group of the pool, in the order they are created (the unit liaisons' last). */
export const staffGroupNames = (supervisionGroupIds: readonly string[], memberUnitIds: readonly string[] = []): string[] => [
  officeGroup,
  leaderGroup,
  ...supervisionGroupIds.map(supervisionGroupName),
  ...memberUnitIds.map(liaisonGroupName),
];

/** The scopes the console asks for; staff routes require `openid` (see the authorizer below). */
export const consoleScopes = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE] as const;
export const staffRouteScopes: readonly string[] = [OAuthScope.OPENID.scopeName];

export const defaultConsoleUrl = 'http://localhost:3000/console';

/**
 * The supervision group ids: the CDK context value `supervisionGroups` (a comma list, or an array
 * in cdk.json), else the groups of the demo directory. Each id must be a valid directory group id.
 */
export function supervisionGroupIdsFrom(scope: Construct): string[] {
  return checkSupervisionGroupIds(contextIds(scope, 'supervisionGroups', demoDirectory.groups.map((group) => group.id), '"g1,g2,g3"'));
}

/** A list of ids from a CDK context value (a comma list, or an array in cdk.json), else `fallback`. */
export function contextIds(scope: Construct, key: string, fallback: readonly string[], example: string): string[] {
  const fromContext: unknown = scope.node.tryGetContext(key);
  if (fromContext === undefined) return [...fallback];
  if (typeof fromContext === 'string') return fromContext.split(',').map((id) => id.trim()).filter(Boolean);
  if (Array.isArray(fromContext)) return fromContext.map((id) => String(id).trim());
  throw new Error(`context ${key}: expected a comma list such as ${example}`);
}

export function checkSupervisionGroupIds(ids: readonly string[]): string[] {
  if (ids.length === 0) throw new Error('supervisionGroups: at least one supervision group id is needed');
  const seen = new Set<string>();
  for (const id of ids) {
    if (!groupSchema.shape.id.safeParse(id).success) {
      throw new Error(`supervisionGroups: "${id}" is not a directory group id (1 to 64 of A-Z a-z 0-9 - _)`);
    }
    if (seen.has(id)) throw new Error(`supervisionGroups: "${id}" is listed twice`);
    seen.add(id);
  }
  return [...ids];
}

/** The console's URL: context `consoleUrl`; Cognito accepts https, or plain http on localhost only. */
export function consoleUrlFrom(scope: Construct): string {
  const value: unknown = scope.node.tryGetContext('consoleUrl') ?? defaultConsoleUrl;
  return checkConsoleUrl(String(value));
}

export function checkConsoleUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`consoleUrl: "${value}" is not a URL`);
  }
  const local = url.protocol === 'http:' && url.hostname === 'localhost';
  if (!(url.protocol === 'https:' || local) || url.hash !== '') {
    throw new Error(`consoleUrl: "${value}" must be https (plain http only for localhost) without a #fragment`);
  }
  return value;
}

/**
 * The prefix of the Cognito domain (`https://<prefix>.auth.<region>.amazoncognito.com`) that hosts
 * the managed login the console signs in with: context `cognitoDomainPrefix`. Without one there is
 * no domain, hence no managed login; the prefix must be unused in the region, so there is no default.
 */
export function cognitoDomainPrefixFrom(scope: Construct): string | undefined {
  const value: unknown = scope.node.tryGetContext('cognitoDomainPrefix');
  return value === undefined || value === null || value === '' ? undefined : checkCognitoDomainPrefix(String(value));
}

export function checkCognitoDomainPrefix(prefix: string): string {
  // Cognito's rules: lower-case letters, digits and hyphens, no leading or trailing hyphen, and
  // none of the reserved words aws, amazon or cognito.
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix) || /aws|amazon|cognito/.test(prefix)) {
    throw new Error(
      `cognitoDomainPrefix: "${prefix}" must be 1 to 63 lower-case letters, digits and inner hyphens, ` +
        'without "aws", "amazon" or "cognito"',
    );
  }
  return prefix;
}

export interface StaffIdentityProps {
  /** One Cognito group `group:<id>` per supervision group. */
  readonly supervisionGroupIds: readonly string[];
  /** One Cognito group `unit:<id>` per member unit (its liaisons). */
  readonly memberUnitIds?: readonly string[];
  /** Where the console lives: the OAuth callback and sign-out URL. */
  readonly consoleUrl: string;
  /** The Cognito domain prefix of the managed login; none: no domain (nobody can sign in yet). */
  readonly domainPrefix?: string;
}

export class StaffIdentity extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** The group names, as they appear in the `cognito:groups` claim. */
  readonly groupNames: readonly string[];
  /** The nested stacks holding the unit liaisons' groups (infra/liaison-groups.ts). */
  readonly liaisonStacks: readonly NestedStack[];
  /** `https://cognito-idp.<region>.amazonaws.com/<poolId>` (the `iss` of the pool's tokens). */
  readonly issuerUrl: string;
  /** Verifies the console's tokens on every staff route of the HTTP API. */
  readonly authorizer: HttpJwtAuthorizer;
  /** The console's URL, the app client's callback and sign-out URL. */
  readonly consoleUrl: string;
  /** The Cognito domain of the managed login, when a prefix was given. */
  readonly domain?: UserPoolDomain;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`, when there is a domain. */
  readonly domainUrl?: string;

  constructor(scope: Construct, id: string, props: StaffIdentityProps) {
    super(scope, id);
    this.consoleUrl = props.consoleUrl;

    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: 'yijian-staff',
      // The office creates staff accounts (AdminCreateUser); nobody signs up.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      standardAttributes: {
        email: { required: true, mutable: true },
        // Replies show the staff member's name.
        fullname: { required: true, mutable: true },
      },
      autoVerify: { email: true },
      // A changed address takes effect only once verified, so recovery never goes to a typo.
      keepOriginal: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // Every staff account signs in with a TOTP app (#14 point 18): managed login asks for the
      // code, and makes a user without one register an authenticator app first. No SMS (it needs
      // an SNS role, costs per message and is the weaker factor) and no e-mail codes (the mailbox
      // is the recovery channel: one compromised mailbox must not be both factors).
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false, email: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Threat protection (the former advanced security) needs the PLUS feature plan, billed per ' +
          'monthly active user with no free tier; the ESSENTIALS plan is kept for this small, ' +
          'office-administered staff pool without self sign-up. Switching is featurePlan PLUS plus ' +
          'standardThreatProtectionMode FULL_FUNCTION, a cost decision left to the office.',
      },
    );

    this.groupNames = staffGroupNames(props.supervisionGroupIds, props.memberUnitIds);
    const descriptions: Record<string, string> = {
      [officeGroup]: 'Campaign office: sees and does everything',
      [leaderGroup]: 'Leadership: read-only items, dashboard and practices',
    };
    for (const groupName of staffGroupNames(props.supervisionGroupIds)) {
      this.userPool.addGroup(`Group-${groupName}`, {
        groupName,
        description: descriptions[groupName] ?? `Responders of supervision group ${groupName.slice('group:'.length)}: its items only`,
      });
    }
    this.liaisonStacks = addLiaisonGroups(this, this.userPool, props.memberUnitIds ?? []);

    this.client = this.userPool.addClient('ConsoleClient', {
      userPoolClientName: 'yijian-console',
      // A browser app cannot keep a secret: a public client using PKCE.
      generateSecret: false,
      // No direct password flows (SRP, USER_PASSWORD): tokens come only from the authorization
      // code grant of the managed login, and are renewed with the refresh token.
      authFlows: { userSrp: false },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [...consoleScopes],
        callbackUrls: [props.consoleUrl],
        logoutUrls: [props.consoleUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(8),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });

    if (props.domainPrefix !== undefined) {
      // The classic hosted UI: the newer managed login would also need a branding resource.
      this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
      this.domainUrl = this.domain.baseUrl();
    }

    this.issuerUrl = this.userPool.userPoolProviderUrl;
    // A Cognito access token has no `aud`; API Gateway then matches its `client_id` against the
    // audience list. ID tokens (whose `aud` is the client id too) carry no `scope` claim, so
    // requiring `openid` on the routes admits access tokens only.
    this.authorizer = new HttpJwtAuthorizer('StaffJwt', this.issuerUrl, {
      authorizerName: 'yijian-staff',
      jwtAudience: [this.client.userPoolClientId],
    });
  }
}
