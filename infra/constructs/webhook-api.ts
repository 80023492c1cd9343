import { Stack, type RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The route kintone calls; kintone's webhook URL is this path plus `?token=...`. */
export const WEBHOOK_PATH = '/webhooks/kintone';
/** The route Phaxio posts fax status callbacks to (only with a Phaxio fax gateway). */
export const FAX_WEBHOOK_PATH = '/webhooks/fax';
/**
 * The supplier's signed order page (GET shows it, POST records the answer), only with
 * `supplierPage` in the configuration. The path parameter is the signed link token.
 */
export const SUPPLIER_PAGE_PATH = '/o/{token}';
/** The approver's one-click page (approval by link), on the supplier-page function. */
export const APPROVAL_PAGE_ROUTE_PATH = '/a/{token}';

/**
 * kintone sends at most 60 webhook notifications a minute per domain, i.e. 1 a second on
 * average. The steady rate allows twice that so a legitimate peak is never throttled, and the
 * burst absorbs the notifications kintone fires together when staff save many records at once
 * (bulk edit, CSV import); anything beyond that is not kintone and gets a 429 before it can
 * cost a Lambda invocation. Phaxio's status callbacks (one per fax, so at most one per order)
 * fit in the same limits.
 */
export const WEBHOOK_THROTTLE = { rateLimit: 2, burstLimit: 10 } as const;

/**
 * The supplier page's own limit, set on its routes (stage route settings override the stage's
 * default). A supplier opens a page and answers once per order, a handful of requests a minute
 * even when many orders went out together; 5 a second with bursts of 20 leaves room for that
 * and for an office of suppliers behind one address, while a script guessing tokens gets 429s
 * long before it costs many Lambda invocations or kintone calls.
 */
export const SUPPLIER_PAGE_THROTTLE = { rateLimit: 5, burstLimit: 20 } as const;

/**
 * Access log fields. No token may appear here: the webhook token travels in the query string,
 * and the supplier page's signed link token is the path itself (`/o/<token>`). So the request
 * is identified by `$context.routeKey` (`GET /o/{token}`, the route's template), never by
 * `$context.path` or any query-string variable (`$request.querystring`,
 * `$context.requestOverride...`, a raw query string).
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
};

/** Props of {@link WebhookApi}. */
export interface WebhookApiProps {
  /** The webhook function behind `POST /webhooks/kintone`. */
  readonly handler: lambda.IFunction;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

/**
 * The HTTP API kintone (and, with a Phaxio fax gateway, Phaxio) calls, which also serves the
 * supplier page when configured: a throttled `$default` stage and JSON access logs without the
 * query string or the request path.
 */
export class WebhookApi extends Construct {
  /** The HTTP API. */
  readonly api: apigwv2.HttpApi;
  /** Its `$default` stage. */
  readonly stage: apigwv2.HttpStage;
  /** Where the access logs go. */
  readonly accessLogs: logs.LogGroup;
  /** The route kintone posts to. */
  readonly route: apigwv2.HttpRoute;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    this.api = new apigwv2.HttpApi(this, 'Api', {
      description: 'kintone webhook endpoint of stock-alert-bridge',
      // The stage is created below with throttling and access logs, which the default lacks.
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: WEBHOOK_THROTTLE,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.route = this.addPostRoute(WEBHOOK_PATH, 'Webhook', props.handler);
  }

  /**
   * Adds `POST /webhooks/fax` with the fax-status function behind it. No authorizer: Phaxio
   * signs each callback (X-Phaxio-Signature), and the function verifies the signature.
   */
  addFaxStatusRoute(handler: lambda.IFunction): apigwv2.HttpRoute {
    return this.addPostRoute(FAX_WEBHOOK_PATH, 'FaxStatus', handler);
  }

  /**
   * Adds `GET` and `POST` {@link SUPPLIER_PAGE_PATH} with the supplier-page function behind both,
   * throttled to {@link SUPPLIER_PAGE_THROTTLE}. No authorizer: suppliers have no accounts; the
   * signed token in the path is the authorisation, and the function verifies it.
   */
  addSupplierPageRoutes(
    handler: lambda.IFunction,
    options: { approvalPage?: boolean } = {},
  ): apigwv2.HttpRoute[] {
    const methods = [apigwv2.HttpMethod.GET, apigwv2.HttpMethod.POST];
    const integration = new HttpLambdaIntegration('SupplierPage', handler);
    // With approval by link, the approver's page `/a/{token}` is served by the same function.
    const paths = [SUPPLIER_PAGE_PATH, ...(options.approvalPage ? [APPROVAL_PAGE_ROUTE_PATH] : [])];
    const routes = paths.flatMap((path) => this.api.addRoutes({ path, methods, integration }));
    const stage = this.stage.node.defaultChild as apigwv2.CfnStage;
    // HttpStage has no per-route throttle; the CloudFormation property is keyed by route key
    // and passed through as written, hence the CloudFormation casing.
    stage.routeSettings = Object.fromEntries(
      paths
        .flatMap((path) => methods.map((method) => ({ path, method })))
        .map(({ path, method }) => [
          apigwv2.HttpRouteKey.with(path, method).key,
          {
            ThrottlingRateLimit: SUPPLIER_PAGE_THROTTLE.rateLimit,
            ThrottlingBurstLimit: SUPPLIER_PAGE_THROTTLE.burstLimit,
          },
        ]),
    );
    // API Gateway rejects route settings for a route key that does not exist yet.
    for (const route of routes) this.stage.node.addDependency(route);
    return routes;
  }

  /**
   * The stage's public URL without the trailing slash, e.g.
   * `https://abc.execute-api.ap-northeast-1.amazonaws.com`: the supplier page's links are this
   * plus `/o/<token>`. Like {@link urlOf}, it refers to the API's id only.
   */
  get baseUrl(): string {
    const stack = Stack.of(this);
    // The $default stage is served at the root (HttpStage.url is this plus '/').
    return `https://${this.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`;
  }

  /**
   * The public URL of a route path such as {@link FAX_WEBHOOK_PATH}. It refers to the API's id
   * only, so a function may carry it in its environment without a dependency cycle.
   */
  urlOf(routePath: string): string {
    // The $default stage URL ends with a slash.
    return `${this.stage.url}${routePath.replace(/^\/+/, '')}`;
  }

  /** The URL to enter in kintone, before `?token=...` is appended. */
  get webhookUrlWithoutToken(): string {
    return this.urlOf(WEBHOOK_PATH);
  }

  private addPostRoute(
    routePath: string,
    integrationId: string,
    handler: lambda.IFunction,
  ): apigwv2.HttpRoute {
    const [route] = this.api.addRoutes({
      path: routePath,
      methods: [apigwv2.HttpMethod.POST],
      integration: new HttpLambdaIntegration(integrationId, handler),
    });
    if (!route) throw new Error(`no route was created for POST ${routePath}`);
    return route;
  }
}
