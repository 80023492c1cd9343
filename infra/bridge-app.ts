import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { DeploymentSettings } from './deployment-settings';
import { StockAlertBridgeStack } from './stock-alert-bridge-stack';

/** CloudFormation stack name of a stage, e.g. `StockAlertBridge-prod`. */
export function stackNameOf(stage: string): string {
  return `StockAlertBridge-${stage}`;
}

/**
 * Adds the bridge's stack to `app` and registers cdk-nag's AwsSolutions checks, which run on
 * every synth and fail it on any finding not acknowledged (see nag-acknowledgements.ts).
 * `bin/app.ts` and the tests both build the app through this function.
 *
 * @example
 * const app = new App();
 * addBridgeStack(app, resolveDeploymentSettings({ ... }));
 * app.synth();
 */
export function addBridgeStack(app: App, settings: DeploymentSettings): StockAlertBridgeStack {
  const stack = new StockAlertBridgeStack(app, stackNameOf(settings.stage), { settings });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
