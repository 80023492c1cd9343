import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMES, type MetricName } from '../../shared/ports/bridge-metrics';
import { METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from './bridge-function';

/** The bridge's own metrics, emitted by the functions through Powertools (one list, in shared/). */
export const BRIDGE_METRIC_NAMES = METRIC_NAMES;

/** Name of one of the bridge's metrics. */
export type BridgeMetricName = MetricName;

/**
 * SES places an account under review at a 5 % bounce rate and may pause sending at 10 %;
 * alarming at review level leaves time to clean the supplier addresses before sending stops.
 */
export const SES_BOUNCE_RATE_THRESHOLD = 0.05;

/** Props of {@link BridgeMonitoring}. */
export interface BridgeMonitoringProps {
  /** Prefix of alarm and dashboard names, e.g. `stock-alert-bridge-prod`. */
  readonly namePrefix: string;
  /** Every alarm notifies this topic (operators subscribe to it). */
  readonly alarmTopic: sns.ITopic;
  /** Functions whose errors and throttles are alarmed on, by a short name. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** On-failure destinations of asynchronously invoked functions, by function name. */
  readonly failedEventQueues?: Readonly<Record<string, sqs.IQueue>>;
}

/**
 * Alarms (dead letters, function errors and throttles, orders no channel could deliver, kintone's
 * daily call limit coming close, SES bounce rate) that notify the operators' topic, and a dashboard of the bridge's own metrics
 * and queue depths.
 */
export class BridgeMonitoring extends Construct {
  /** Every alarm, in creation order. */
  readonly alarms: cloudwatch.Alarm[] = [];
  /** The dashboard. */
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: BridgeMonitoringProps) {
    super(scope, id);
    const action = new SnsAction(props.alarmTopic);
    const addAlarm = (alarmId: string, alarmProps: cloudwatch.AlarmProps) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        // No data means nothing happened (no dead letters, no invocations), which is healthy.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...alarmProps,
      });
      alarm.addAlarmAction(action);
      // Operators also learn when it is over (e.g. after a replay emptied the DLQ).
      alarm.addOkAction(action);
      this.alarms.push(alarm);
    };

    addAlarm('DeadLetters', {
      alarmName: `${props.namePrefix}-dead-letters`,
      alarmDescription:
        'A kintone notification failed 5 times and is in the dead-letter queue. Fix the cause (see the dispatch logs), then run `npm run replay`.',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    for (const [name, queue] of Object.entries(props.failedEventQueues ?? {})) {
      addAlarm(`${name}FailedEvents`, {
        alarmName: `${props.namePrefix}-${name.toLowerCase()}-failed-events`,
        alarmDescription: `The ${name} function gave up on an event after its retries; the event is in its failure queue. Fix the cause from its logs, then re-send the event.`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    for (const [name, fn] of Object.entries(props.functions)) {
      addAlarm(`${name}Errors`, {
        alarmName: `${props.namePrefix}-${name.toLowerCase()}-errors`,
        alarmDescription: `The ${name} function failed. Its log group has the error.`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
      addAlarm(`${name}Throttles`, {
        alarmName: `${props.namePrefix}-${name.toLowerCase()}-throttles`,
        alarmDescription: `The ${name} function was throttled: the account's concurrency is exhausted or a limit is too low.`,
        metric: fn.metricThrottles({
          period: Duration.minutes(5),
          statistic: cloudwatch.Stats.SUM,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    addAlarm('OrdersNeedingAttention', {
      alarmName: `${props.namePrefix}-orders-needing-attention`,
      alarmDescription:
        'Every channel to a supplier failed (email bounced, fax failed, or no usable address or number): call them. The kintone record shows 要対応 with the reason and the order number.',
      metric: bridgeMetric('OrdersNeedingAttention'),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    addAlarm('FollowUpsOverdue', {
      alarmName: `${props.namePrefix}-follow-ups-overdue`,
      alarmDescription:
        "A supplier has not answered an order even after the reminder (and the fax, if configured) within followUp.flagAfterBusinessHours business hours: call them. The order's records show 要対応 with the reason and the order number, and a comment.",
      metric: bridgeMetric('FollowUpsOverdue'),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    addAlarm('NotificationsParked', {
      alarmName: `${props.namePrefix}-notifications-parked`,
      alarmDescription:
        "A kintone notification could not be processed and retrying cannot help (the notification or the configuration is wrong). Its record shows 要対応 with the reason; the record's later notifications go on. Find the error in the dispatch logs ('notification parked'), fix the cause, then `npm run replay -- --parked` to process it again.",
      metric: bridgeMetric('NotificationsParked'),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    addAlarm('KintoneCallBudget', {
      alarmName: `${props.namePrefix}-kintone-call-budget`,
      alarmDescription:
        "A kintone app's API calls today reached 80 % or 95 % of kintone's daily limit, or went past it (the count resets at 09:00 JST). Past the limit kintone refuses the bridge's write-backs and comments; orders are still sent, and failed write-backs end in the dead-letter queue. Find the app and count in the function logs ('kintone daily call'), look for what drives the calls (a loop, a bulk edit, other integrations sharing the app's limit), and after 09:00 JST run `npm run replay` for any dead letters.",
      metric: bridgeMetric('KintoneCallBudgetWarnings'),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    addAlarm('SesBounceRate', {
      alarmName: `${props.namePrefix}-ses-bounce-rate`,
      alarmDescription:
        "The account's SES bounce rate reached the level at which SES reviews the account. Check supplier email addresses (EmailBounces metric, ses-events logs).",
      // Account-wide reputation metric; SES updates it a few times an hour.
      metric: new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName: 'Reputation.BounceRate',
        period: Duration.hours(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: SES_BOUNCE_RATE_THRESHOLD,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.namePrefix,
      defaultInterval: Duration.days(1),
    });
    const metric = (metricName: BridgeMetricName) => bridgeMetric(metricName);
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Notifications, orders, emails and faxes',
        left: [
          metric('NotificationsReceived'),
          metric('OrdersCreated'),
          metric('EmailsSent'),
          metric('FaxesSent'),
          metric('RemindersSent'),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Failures, bounces, orders needing attention, kintone call budget',
        left: [
          metric('DispatchFailures'),
          metric('FaxJobFailures'),
          metric('NotificationsParked'),
          metric('OrderSendsDelayed'),
          metric('EmailBounces'),
          metric('OrdersNeedingAttention'),
          metric('FollowUpsOverdue'),
          metric('OrdersLate'),
          metric('ApprovalsOverdue'),
          metric('LedgerWriteFailures'),
          metric('KintoneCallBudgetWarnings'),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Queue depth',
        left: [
          props.queue.metricApproximateNumberOfMessagesVisible({
            label: 'Queue: messages waiting',
            statistic: cloudwatch.Stats.MAXIMUM,
            period: Duration.minutes(5),
          }),
          props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            label: 'Dead-letter queue: messages',
            statistic: cloudwatch.Stats.MAXIMUM,
            period: Duration.minutes(5),
          }),
        ],
        width: 12,
      }),
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12 }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Sweep: records read, queued, shortages no webhook reported, stopped for the budget',
        left: [
          metric('RecordsSwept'),
          metric('SweepRecordsQueued'),
          metric('ShortagesFound'),
          metric('SweepsStoppedEarly'),
        ],
        width: 12,
      }),
    );
  }
}

/**
 * One of the bridge's metrics, as Powertools publishes it (namespace StockAlertBridge,
 * dimension service=stock-alert-bridge), summed over 5 minutes.
 */
export function bridgeMetric(metricName: BridgeMetricName): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: POWERTOOLS_SERVICE_NAME },
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
  });
}
