/**
 * Stands in for `@aws-sdk/credential-provider-node` in the function bundles (esbuild `alias`,
 * see `CREDENTIALS_FROM_ENVIRONMENT` in infra/constructs/bridge-function.ts).
 *
 * Lambda hands every function its role's credentials in the environment (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), and the environment is the first place the
 * SDK's default chain looks. The rest of the chain (shared config files, SSO, web identity,
 * process, container and instance metadata, with the STS and SSO clients they bring) is never
 * reached in Lambda, yet it is about 130 KB of every bundle that calls AWS. So the bundles take
 * the SDK's own environment provider as their default; without those variables it throws the
 * SDK's CredentialsProviderError, which names them. The local stack and the scripts run the
 * sources, not a bundle, and keep the whole chain.
 *
 * @module
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
