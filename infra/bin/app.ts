/**
 * CDK entry point (`"app"` in cdk.json). Resolves the deployment settings from context and
 * environment, validates the configuration file, and builds the stack.
 *
 * @example
 * CDK_DISABLE_VERSION_CHECK=1 npx cdk synth --no-notices -q -c stage=prod -c configPath=config/acme.json
 */
import { App } from 'aws-cdk-lib';
import { ConfigError } from '../../shared/config/load-config';
import { addBridgeStack } from '../bridge-app';
import { resolveDeploymentSettings } from '../deployment-settings';

const app = new App();
try {
  const settings = resolveDeploymentSettings({
    context: (key) => app.node.tryGetContext(key),
    env: process.env,
    cwd: process.cwd(),
  });
  addBridgeStack(app, settings);
  app.synth();
} catch (error) {
  // A configuration mistake deserves its message, not a stack trace through the CDK.
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`cannot synthesize stock-alert-bridge: ${error.message}\n`);
  process.exitCode = 1;
}
