/**
 * What the Lambda bundles take for `@aws-sdk/credential-provider-node` (infra/bundling.ts
 * `credentialAlias`): the SDK's own environment provider, alone.
 *
 * Why: on Lambda the runtime gives every function its role's credentials in AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, and the default chain answers from them first. The
 * rest of the chain (SSO, the ini files, credential processes, web identity, container and instance
 * metadata, with the STS, SSO and sign-in clients they carry) can never answer there, yet every
 * client's runtime configuration imports it: measured, about 90 KB of each minified bundle, parsed at every
 * cold start. The local stack and the tests run the unbundled code, with the full chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** The name and shape the clients import (`defaultProvider as credentialDefaultProvider`). */
export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}): ReturnType<typeof fromEnv> => fromEnv(init);
