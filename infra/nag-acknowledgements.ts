import { Validations, type CfnResource, type Stack } from 'aws-cdk-lib';
import type { HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { BridgeFunction } from './constructs/bridge-function';

/** The constructs that carry acknowledgements. */
export interface NagScopes {
  readonly stack: Stack;
  readonly table: Table;
  readonly secret: Secret;
  /** Functions with Node.js 22 (all of them). */
  readonly functions: readonly BridgeFunction[];
  /** Functions granted read/write on the table (and so on its indexes). */
  readonly tableUsers: readonly BridgeFunction[];
  /** `POST /webhooks/kintone`. */
  readonly webhookRoute: HttpRoute;
  /** `POST /webhooks/fax`, when a Phaxio fax gateway is configured. */
  readonly faxStatusRoute?: HttpRoute;
  /** `GET` and `POST /o/{token}`, when the supplier page is configured. */
  readonly supplierPageRoutes?: readonly HttpRoute[];
  /** The on-failure destination of ses-events (itself a dead-letter queue). */
  readonly failedEventsQueue: Queue;
  /** The dead-letter queue and on-failure destination of the scheduled sender's runs. */
  readonly failedSendDueOrdersQueue?: Queue;
  /** The dead-letter queue and on-failure destination of the sweep's runs. */
  readonly failedSweepQueue?: Queue;
}

/**
 * Acknowledges the cdk-nag (AwsSolutions) findings the design accepts, each on the narrowest
 * construct and, for IAM5, for the one resource pattern it is about. Anything else fails synth.
 */
export function acknowledgeNagFindings(scopes: NagScopes): void {
  Validations.of(scopes.webhookRoute).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      "kintone's webhooks cannot send an Authorization header or sign requests, so API Gateway has nothing to check; the token in the query string is compared in constant time by the webhook function before anything is queued, and access logs omit the query string.",
  });

  if (scopes.faxStatusRoute) {
    Validations.of(scopes.faxStatusRoute).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "Phaxio's fax status callbacks cannot send an Authorization header or a token of ours, so API Gateway has nothing to check; each callback carries Phaxio's HMAC signature (X-Phaxio-Signature over the URL and the fields, keyed with the callback token), which the fax-status function verifies before it reads or stores anything.",
    });
  }

  for (const route of scopes.supplierPageRoutes ?? []) {
    Validations.of(route).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Suppliers have no accounts (that is why the page exists), so there is no identity for API Gateway to check; the signed token in the path (HMAC-SHA256 over order number, supplier and expiry, keyed with the signing key in the secret) is the authorisation, and the supplier-page function verifies it before it reads or writes any order. The routes are throttled on their own, and access logs record the route key, never the token.',
    });
  }

  Validations.of(scopes.secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      "The secret holds kintone API tokens and webhook tokens, which only a kintone administrator can issue (kintone has no API to create them), and, with a Phaxio fax gateway, Phaxio's API key, secret and callback token, which are issued in Phaxio's console; a rotation Lambda cannot rotate either, and docs/deploy.md describes the manual rotation. The supplier page's signing key, when configured, is rotated by hand too: a new key invalidates every link already sent to suppliers, so it is a decision for the operators, not a schedule.",
  });

  Validations.of(scopes.failedEventsQueue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      "This queue is the ses-events function's on-failure destination, i.e. already the dead-letter store for SES events; nothing consumes it, so it has nothing to dead-letter, and an alarm fires as soon as it holds a message.",
  });

  if (scopes.failedSendDueOrdersQueue) {
    Validations.of(scopes.failedSendDueOrdersQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is where the send-due-orders schedule's failed, expired or undeliverable runs go (the rule target's dead-letter queue and the function's on-failure destination), i.e. already a dead-letter store; nothing consumes it (a run's orders stay due, the next run sends them), so it has nothing to dead-letter, and an alarm fires as soon as it holds a message.",
    });
  }

  if (scopes.failedSweepQueue) {
    Validations.of(scopes.failedSweepQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This queue is where the sweep schedule's failed, expired or undeliverable runs go (the rule target's dead-letter queue and the function's on-failure destination), i.e. already a dead-letter store; nothing consumes it (the next sweep reads every app again), so it has nothing to dead-letter, and an alarm fires as soon as it holds a message.",
    });
  }

  for (const fn of scopes.functions) {
    Validations.of(fn.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the handlers, middy 7 and Powertools are tested on (README, CI) and is supported by Lambda until 2027; moving to a newer runtime is a tested change of its own, not a side effect of a CDK upgrade.',
    });
  }

  const tableArn = `<${scopes.stack.getLogicalId(scopes.table.node.defaultChild as CfnResource)}.Arn>`;
  for (const fn of scopes.tableUsers) {
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${tableArn}/index/*]`,
      reason:
        "table.grantReadWriteData also grants the same item actions on the bridge table's own indexes (GSI1 looks orders up by number); the wildcard spans index names of this one table, not other tables, and the actions are listed explicitly.",
    });
  }
}
