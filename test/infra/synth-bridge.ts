import { App, Validations, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { addBridgeStack } from '../../infra/bridge-app';
import {
  resolveDeploymentSettings,
  type DeploymentSettings,
  type SettingsEnv,
} from '../../infra/deployment-settings';
import type { StockAlertBridgeStack } from '../../infra/stock-alert-bridge-stack';

/** The context in cdk.json: defaults and feature flags, exactly as `cdk synth` sees them. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson: unknown = JSON.parse(readFileSync(path.join(process.cwd(), 'cdk.json'), 'utf8'));
  if (typeof cdkJson !== 'object' || cdkJson === null || !('context' in cdkJson)) {
    throw new Error('cdk.json has no context');
  }
  return cdkJson.context as Record<string, unknown>;
}

/** A synthesized bridge app. */
export interface SynthesizedBridge {
  readonly app: App;
  readonly stack: StockAlertBridgeStack;
  readonly settings: DeploymentSettings;
  readonly template: Template;
  readonly assembly: CloudAssembly;
}

/**
 * Builds the app the way infra/bin/app.ts does (same settings resolution, same cdk-nag plugin)
 * with cdk.json's context plus `context`, bundling skipped so no esbuild runs, and synthesizes
 * it. `extend` may add constructs before synthesis. Synthesis throws if cdk-nag reports an
 * unacknowledged finding.
 */
export function synthBridge(
  context: Record<string, string> = {},
  env: SettingsEnv = {},
  extend: (stack: StockAlertBridgeStack) => void = () => {},
): SynthesizedBridge {
  const app = new App({
    context: { ...cdkJsonContext(), ...context, 'aws:cdk:bundling-stacks': [] },
  });
  const settings = resolveDeploymentSettings({
    context: (key) => app.node.tryGetContext(key),
    env,
    cwd: process.cwd(),
  });
  const stack = addBridgeStack(app, settings);
  extend(stack);
  // Template.fromStack synthesizes the app once; app.synth() then returns that assembly.
  const template = Template.fromStack(stack);
  return { app, stack, settings, template, assembly: app.synth() };
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalIdOf(stack: StockAlertBridgeStack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnResource);
}

/** One acknowledgement recorded with `Validations.of(scope).acknowledge`. */
export interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** Every acknowledgement in the construct tree. */
export function acknowledgementsIn(root: IConstruct): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      const data = entry.data as Record<string, string>;
      for (const [key, reason] of Object.entries(data)) {
        // aws-cdk-lib prefixes the ids it stores (`Annotation::`), cdk-nag strips it the same way.
        found.push({ path: construct.node.path, id: key.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return found;
}

/**
 * A dependency cycle among the template's resources (Ref, Fn::GetAtt, Fn::Sub and DependsOn),
 * as the list of logical ids that form it, or undefined. CloudFormation rejects such a
 * template only at deploy time.
 */
export function dependencyCycleIn(templateJson: unknown): string[] | undefined {
  const resources = (templateJson as { Resources: Record<string, Record<string, unknown>> })
    .Resources;
  const ids = new Set(Object.keys(resources));
  const dependenciesOf = (resource: Record<string, unknown>): Set<string> => {
    const found = new Set<string>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(visit);
      if (typeof value !== 'object' || value === null) return;
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'Ref' && typeof inner === 'string') found.add(inner);
        else if (key === 'Fn::GetAtt' && Array.isArray(inner)) found.add(String(inner[0]));
        else if (key === 'Fn::Sub') {
          const text = Array.isArray(inner) ? inner[0] : inner;
          if (typeof text === 'string') {
            for (const match of text.matchAll(/\$\{([^}.!]+)[^}]*\}/g)) found.add(match[1] ?? '');
          }
        }
        visit(inner);
      }
    };
    visit(resource.Properties);
    const dependsOn = resource.DependsOn;
    for (const id of Array.isArray(dependsOn) ? dependsOn : dependsOn ? [dependsOn] : []) {
      found.add(String(id));
    }
    return new Set([...found].filter((id) => ids.has(id)));
  };

  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const walk = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const next of dependenciesOf(resources[id] ?? {})) {
      const cycle = walk(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of ids) {
    const cycle = walk(id);
    if (cycle) return cycle;
  }
  return undefined;
}
