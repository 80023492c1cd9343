import * as z from 'zod/mini';
import '../edge/zod-mini-messages';
import { MAX_LEAD_TIME_DAYS } from '../domain/evaluate-reorder';
import { MAX_SAFE_QUANTITY } from '../domain/quantity';
import {
  findAppFieldRoleConflicts,
  findClosingStatuses,
  findMasterFieldRoleConflicts,
  type FieldRoleConflict,
} from './field-roles';
import { learningIssues, learningSchema } from './learning';

/**
 * The deployment's configuration: one JSON file, validated here before anything runs.
 * Nothing about a particular kintone app is hard-coded anywhere else; field codes live here.
 *
 * Written with `zod/mini`, zod 4's tree-shakable form (functions and `.check(...)` instead of
 * methods), like the notification schemas: every function that loads the configuration, the
 * webhook first, bundles only the checks used here instead of all of classic zod (about 440 KB).
 * Each function maps one to one onto the classic method (`.min(n)` on a string or array is
 * `z.minLength(n)`, on a number `z.gte(n)`; `.default` is `z._default`), so the defaults, the
 * inferred types and the issue messages are the classic ones.
 */

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** A literal secret must be long enough to be unguessable in a URL's query string. */
export const MIN_LITERAL_SECRET_LENGTH = 24;

/**
 * A secret: either a reference to an environment variable (`{ "env": "NAME" }`, preferred, so
 * the config file can be committed) or a literal string for throwaway local setups.
 */
export const secretRefSchema = z.union(
  [
    z.string().check(
      z.minLength(MIN_LITERAL_SECRET_LENGTH, {
        error: `a literal secret must be at least ${MIN_LITERAL_SECRET_LENGTH} characters (or use {"env": "NAME"})`,
      }),
    ),
    z.strictObject({
      env: z.string().check(
        z.regex(ENV_NAME, {
          error: 'expected an environment variable name like WEBHOOK_TOKEN_12',
        }),
      ),
    }),
  ],
  {
    // Without it a missing or mistyped secret reads only "Invalid input".
    error: `expected {"env": "NAME"} or a literal secret of at least ${MIN_LITERAL_SECRET_LENGTH} characters`,
  },
);
export type SecretRef = z.infer<typeof secretRefSchema>;

/** A string of at least one character (`z.string().min(1)` in classic zod). */
const nonEmptyString = z.string().check(z.minLength(1));
/** A trimmed string of at least one character. */
const trimmedNonEmpty = z.string().check(z.trim(), z.minLength(1));
/** A whole number (`z.number().int()` in classic zod). */
const integer = z.number().check(z.int());
/** A whole number from `min` to `max`. */
const intBetween = (min: number, max: number) => z.number().check(z.int(), z.gte(min), z.lte(max));
/** A list of at least one non-empty string, with its default. */
const labels = (defaults: string[]) =>
  z._default(z.array(nonEmptyString).check(z.minLength(1)), defaults);

const fieldCode = z
  .string()
  .check(z.trim(), z.minLength(1, { error: 'expected a kintone field code' }), z.maxLength(128));
const optionalFieldCode = z.optional(fieldCode);
const appId = z.pipe(
  z.pipe(
    z.union([z.string(), z.number().check(z.int(), z.positive())]),
    z.transform((value: string | number) => String(value)),
  ),
  z.string().check(z.regex(/^[1-9]\d*$/, { error: 'expected a kintone app id such as "12"' })),
);

/** Field codes of the item record. Optional ones may be left out when the app lacks them. */
export const fieldMapSchema = z.strictObject({
  sku: fieldCode,
  name: fieldCode,
  unit: optionalFieldCode,
  onHand: fieldCode,
  reorderPoint: fieldCode,
  maxStock: optionalFieldCode,
  reorderQuantity: optionalFieldCode,
  packSize: optionalFieldCode,
  minimumOrder: optionalFieldCode,
  onOrder: optionalFieldCode,
  reserved: optionalFieldCode,
  leadTimeDays: optionalFieldCode,
  snoozeUntil: optionalFieldCode,
  supplierCode: optionalFieldCode,
  supplierName: optionalFieldCode,
  supplierEmail: optionalFieldCode,
  supplierFax: optionalFieldCode,
  /** How the supplier wants orders (メール / FAX / メールとFAX), read through `channelLabels`. */
  supplierChannel: optionalFieldCode,
  /** Unit price (単価), a NUMBER field: with it, order lines show amounts and the order its tax. */
  unitPrice: optionalFieldCode,
  /**
   * Marks an item taxed at the reduced rate (軽減税率, 8 %): any value in `tax.reducedLabels`
   * (a checkbox, a drop-down or text). Without the field every item is at the standard rate.
   */
  taxRate: optionalFieldCode,
  /** The site the item is kept at (倉庫 / 拠点): mapped to a delivery address by `shipTo.byValue`. */
  shipTo: optionalFieldCode,
  /**
   * 入荷数, a NUMBER field staff fill in with a closing status (入荷済): the quantity received of
   * the order so far. Below the ordered quantity the line stays open for the rest (一部入荷).
   */
  receivedQuantity: optionalFieldCode,
  /**
   * Why 在庫数 changed (入出庫区分: a drop-down, radio button or text). An edit that sets it to one
   * of `learning.correctionLabels` (棚卸) is a staff correction, which the learning never counts
   * as demand. Read only by the learning.
   */
  stockChangeReason: optionalFieldCode,
});

/** Fields the bridge writes its outcome to. They should not be edited by staff except status. */
export const writeBackSchema = z.strictObject({
  status: fieldCode,
  orderNumber: fieldCode,
  orderedAt: optionalFieldCode,
  reason: fieldCode,
  /** DATE field for the delivery date the supplier promised on the order page. */
  deliveryDate: optionalFieldCode,
  /** Delivery of the order email as SES reports it (配信済 / 不達 / 苦情 / 拒否). */
  deliveryStatus: optionalFieldCode,
});

/**
 * A default quantity within the domain's safe range: past it a double no longer holds every
 * integer, order quantities computed from it go wrong, and DynamoDB's marshaller refuses them.
 */
const quantity = z
  .number()
  .check(
    z.lte(MAX_SAFE_QUANTITY, { error: `expected a quantity of at most ${MAX_SAFE_QUANTITY}` }),
  );
const nonNegative = quantity.check(z.nonnegative());
const positiveQuantity = quantity.check(z.positive());

export const statusValuesSchema = z.strictObject({
  /** Written when an order request has been sent. */
  ordered: z._default(nonEmptyString, '発注依頼済'),
  /** Any of these, set by staff together with the order number, closes the open order. */
  closed: labels(['入荷済', 'キャンセル']),
  /** Written when the record cannot be evaluated. */
  needsAttention: z._default(nonEmptyString, '要確認'),
  /** Written back when a record that needed attention is fine again. */
  idle: z._default(nonEmptyString, '未発注'),
  /** Written when every channel to the supplier has failed: a person must call them. */
  failed: z._default(nonEmptyString, '要対応'),
  /**
   * Written while an order exists but could not be sent yet (SES or the fax gateway failing
   * for now): the bridge retries by itself; staff see that the order is on its way.
   */
  sending: z._default(nonEmptyString, '送信待ち'),
  /**
   * Written while the item's line waits for its gathered order to be sent (a window or the next
   * cut-off): the item is on order, and the order number is already known.
   */
  waiting: z._default(nonEmptyString, '待機中'),
  /** Written when the supplier answers on the order page. */
  confirmed: z._default(nonEmptyString, '受注確認済'),
  partial: z._default(nonEmptyString, '一部受注'),
  declined: z._default(nonEmptyString, '辞退'),
  /** Written when the confirmed or desired delivery date has passed without receipt. */
  late: z._default(nonEmptyString, '納期遅延'),
  /** Written when part of a line was received (`fields.receivedQuantity`): the rest is on order. */
  partiallyReceived: z._default(nonEmptyString, '一部入荷'),
  /** Written while the line's order waits for approval (`approval`): the item is on order. */
  awaitingApproval: z._default(nonEmptyString, '承認待ち'),
});

/** Values used when the app has no field for them (or the field is empty). */
export const defaultsSchema = z.strictObject({
  unit: z._default(nonEmptyString, '個'),
  packSize: z._default(positiveQuantity, 1),
  minimumOrder: z._default(nonNegative, 0),
  leadTimeDays: z._default(
    integer.check(
      z.nonnegative(),
      z.lte(MAX_LEAD_TIME_DAYS, {
        error: `expected at most ${MAX_LEAD_TIME_DAYS} days (longer is refused for every record)`,
      }),
    ),
    0,
  ),
  maxStock: z.optional(nonNegative),
  reorderQuantity: z.optional(positiveQuantity),
  supplierName: z.optional(nonEmptyString),
  supplierEmail: z.optional(z.email()),
  /** `auto`: email when the supplier has an address, otherwise fax. */
  channel: z._default(z.enum(['auto', 'email', 'fax', 'both']), 'auto'),
});

/** Record values of the channel field, per channel (compared ignoring width and case). */
export const channelLabelsSchema = z.strictObject({
  email: labels(['メール', 'Eメール', 'email']),
  fax: labels(['FAX', 'ファックス', 'ファクス']),
  both: labels(['メールとFAX', 'メール+FAX', '両方', 'both']),
});

const httpsOrLocalUrl = z.string().check(
  z.url(),
  z.refine(
    (value) =>
      /^https:\/\//.test(value) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(value),
    {
      error: 'expected an https URL (plain http only for 127.0.0.1 or localhost)',
    },
  ),
);

/**
 * The fax gateway. Phaxio (Sinch) is a documented HTTP fax API; email-to-fax sends the PDF as a
 * mail attachment to `NUMBER@domain`, as Japanese fax services accept.
 */
export const faxGatewaySchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('phaxio'),
    baseUrl: z._default(httpsOrLocalUrl, 'https://api.phaxio.com/v2'),
    apiKey: secretRefSchema,
    apiSecret: secretRefSchema,
    /** Phaxio's callback token: status callbacks are signed with it. */
    callbackToken: secretRefSchema,
    /** Public URL of this bridge's `/webhooks/fax` (set by the stack when omitted). */
    callbackUrl: z.optional(httpsOrLocalUrl),
  }),
  z.strictObject({
    type: z.literal('email-to-fax'),
    /** The service's domain: faxes go to `0312345678@domain`. */
    domain: z.string().check(
      z.regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, {
        error: 'expected a mail domain such as fax.example.jp',
      }),
    ),
    numberFormat: z._default(z.enum(['national', 'e164']), 'national'),
    textCharset: z._default(z.enum(['iso-2022-jp', 'utf-8']), 'iso-2022-jp'),
  }),
]);

export const supplierPageSchema = z.strictObject({
  /** Public base URL of the bridge's HTTP API; links are `${baseUrl}/o/<token>` (set by the stack when omitted). */
  baseUrl: z.optional(httpsOrLocalUrl),
  /** HMAC-SHA256 key that signs order links (32+ random bytes). */
  signingKey: secretRefSchema,
  /** How long a link opens its order. */
  linkTtlDays: z._default(intBetween(1, 365), 30),
});
export type SupplierPageConfig = z.infer<typeof supplierPageSchema>;

export const faxConfigSchema = z.strictObject({
  /** Region in which numbers without a country code are read. */
  region: z._default(z.string().check(z.regex(/^[A-Z]{2}$/)), 'JP'),
  gateway: faxGatewaySchema,
});
export type FaxConfig = z.infer<typeof faxConfigSchema>;

/** The cache absorbs bursts of notifications; it must not hide a master change for long. */
export const MAX_SUPPLIER_CACHE_TTL_SECONDS = 3_600;

/**
 * A separate kintone app holding one record per supplier, read by the supplier code the item
 * record carries. Its non-empty values win over the fields a lookup copied into the record.
 */
export const supplierMasterSchema = z.strictObject({
  appId,
  /** kintone API token with view permission on the supplier app. */
  apiToken: secretRefSchema,
  fields: z.strictObject({
    /** The supplier code; should prohibit duplicate values in the app. */
    code: fieldCode,
    name: fieldCode,
    email: optionalFieldCode,
    fax: optionalFieldCode,
    /** How the supplier wants orders, read through `channelLabels`. */
    channel: optionalFieldCode,
  }),
  /** How long a supplier read (or a code found missing) is reused, per Lambda container. */
  cacheTtlSeconds: z._default(intBetween(0, MAX_SUPPLIER_CACHE_TTL_SECONDS), 300),
  channelLabels: z.prefault(channelLabelsSchema, {}),
});
export type SupplierMasterConfig = z.infer<typeof supplierMasterSchema>;

/**
 * Items kept as the rows of a SUBTABLE (one record per site or shelf, one row per item). Each
 * row is evaluated on its own; rows due for one supplier become one order with several lines.
 */
export const subtableSchema = z.strictObject({
  /** Field code of the SUBTABLE field whose rows are the items. */
  field: fieldCode,
});
export type SubtableConfig = z.infer<typeof subtableSchema>;

const clockTime = z
  .string()
  .check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time of day such as "10:00"' }));

/**
 * When the items that fall due for one supplier and ship-to are sent as one order:
 * - `immediate`: each notification's due items are sent at once (one order per record);
 * - `window`: `minutes` after the first line fell due, with every line gathered meanwhile;
 * - `cutoff`: at the next of the given times of day (in `timeZone`), like a supplier's
 *   order deadlines (締め時間).
 */
export const gatheringSchema = z.discriminatedUnion('rule', [
  z.strictObject({ rule: z.literal('immediate') }),
  z.strictObject({ rule: z.literal('window'), minutes: intBetween(1, 1_440) }),
  z.strictObject({
    rule: z.literal('cutoff'),
    times: z.array(clockTime).check(
      z.minLength(1),
      z.maxLength(24),
      z.refine((times) => new Set(times).size === times.length, {
        error: 'each cut-off time once',
      }),
    ),
  }),
]);
export type GatheringRule = z.infer<typeof gatheringSchema>;

const calendarDate = z.iso.date({ error: 'expected a date such as "2026-12-29"' });

/** Closed days (休業日) of the company or a supplier: weekly weekdays and named date ranges. */
const closedDaysShape = {
  /** Weekdays closed every week, 0 = Sunday … 6 = Saturday. */
  weeklyClosedDays: z.optional(
    z.array(intBetween(0, 6)).check(
      z.maxLength(6, { error: 'at least one weekday must stay open' }),
      z.refine((days) => new Set(days).size === days.length, { error: 'each weekday once' }),
    ),
  ),
  /** Closed date ranges, both ends inclusive, such as 年末年始 or お盆. */
  closedDates: z._default(
    z.array(
      z.strictObject({ from: calendarDate, to: calendarDate, name: trimmedNonEmpty }).check(
        z.refine((range) => range.from <= range.to, { error: '`to` is before `from`' }),
        // Longer is a typing slip (a wrong year), and no business day would be left to count.
        z.refine((range) => Date.parse(range.to) - Date.parse(range.from) < 366 * 86_400_000, {
          error: 'a closed date range lasts at most a year',
        }),
      ),
    ),
    [],
  ),
};

/**
 * The company's business days and hours: lead times (the desired delivery date), cut-offs and
 * reminders count them in `timeZone`. Japanese public holidays always count as closed (from the
 * holiday list); without `weeklyClosedDays` Saturday and Sunday are closed.
 */
export const calendarSchema = z.strictObject({
  ...closedDaysShape,
  weeklyClosedDays: z._default(closedDaysShape.weeklyClosedDays, [0, 6]),
  businessHours: z._default(
    z
      .strictObject({ start: clockTime, end: clockTime })
      .check(
        z.refine((hours) => hours.start < hours.end, { error: '`end` must be after `start`' }),
      ),
    { start: '09:00', end: '18:00' },
  ),
});
export type CalendarConfig = z.infer<typeof calendarSchema>;

/**
 * A supplier's own settings, by supplier code:
 * - its closed days: no delivery is counted on them. Without `weeklyClosedDays` the supplier
 *   closes on the company's weekly days;
 * - its `gathering` rule, which wins over the app's for its items: its order deadlines
 *   (締め時間, `cutoff`), a `window`, or `immediate` for a supplier that wants each item at once
 *   (see `gatheringFor`).
 */
export const supplierSettingsSchema = z.strictObject({
  ...closedDaysShape,
  gathering: z.optional(gatheringSchema),
});
export type SupplierSettingsConfig = z.infer<typeof supplierSettingsSchema>;

/** A delivery address (納品先) printed on the order: where the supplier delivers. */
export const deliveryAddressSchema = z.strictObject({
  name: trimmedNonEmpty,
  postalCode: z.optional(
    z
      .string()
      .check(z.regex(/^\d{3}-?\d{4}$/, { error: 'expected a postal code such as "530-0001"' })),
  ),
  address: trimmedNonEmpty,
  phone: z.optional(trimmedNonEmpty),
  /** The person who receives the goods (担当者). */
  contact: z.optional(trimmedNonEmpty),
});
export type DeliveryAddressConfig = z.infer<typeof deliveryAddressSchema>;

/**
 * Where an app's items are delivered: `default` names an entry of `deliveryAddresses`;
 * `byValue` maps values of the record field `fields.shipTo` (such as 大阪倉庫) to entries.
 * Items of different ship-tos never share an order.
 */
export const shipToSchema = z.strictObject({
  default: z.optional(nonEmptyString),
  byValue: z._default(z.record(nonEmptyString, nonEmptyString), {}),
});

const businessHours = z.number().check(z.positive(), z.lte(10_000));

/**
 * Following up sent orders (issue 12), on the scheduled send's runs: a reminder to a supplier
 * who has not answered, the fax after it, staff flagged (要対応), and 納期遅延 once a delivery
 * date passed without receipt. Without `followUp` nothing is followed up.
 */
export const followUpSchema = z
  .strictObject({
    /** Business hours after the send without an answer before the one reminder. */
    remindAfterBusinessHours: z._default(businessHours, 8),
    /** After an email reminder, also fax the order (the supplier's fax number as fallback). */
    faxAfterReminder: z._default(z.boolean(), true),
    /** When the fax goes (business hours after the send); halfway to the flag by default. */
    faxAfterBusinessHours: z.optional(businessHours),
    /** Business hours after the send without an answer before staff are flagged (要対応). */
    flagAfterBusinessHours: z._default(businessHours, 16),
  })
  .check(
    z.refine((rule) => rule.flagAfterBusinessHours >= rule.remindAfterBusinessHours, {
      error: 'flagAfterBusinessHours must not come before remindAfterBusinessHours',
    }),
  );
export type FollowUpConfig = z.infer<typeof followUpSchema>;

/** 消費税: the rates, how a rate's tax is rounded (once per rate and order) and the reduced mark. */
export const taxSchema = z.strictObject({
  standardRatePercent: z._default(intBetween(0, 100), 10),
  reducedRatePercent: z._default(intBetween(0, 100), 8),
  /** 切り捨て (floor) by default, as most Japanese invoices round. */
  rounding: z._default(z.enum(['floor', 'round', 'ceil']), 'floor'),
  /** Values of `fields.taxRate` that mean the reduced rate (compared ignoring width and case). */
  reducedLabels: labels(['軽減', '軽減税率', '8%', '8', '※']),
});
export type TaxConfig = z.infer<typeof taxSchema>;

/**
 * The sweep (issue 12): every `intervalMinutes` each inventory app is read with kintone's
 * cursor API and every record whose revision the bridge has not processed is evaluated as its
 * notification would be (CSV imports, bulk updates and lost webhooks send none). A sweep stops
 * reading an app once the app's kintone calls today reach `stopAtBudgetPercent` of kintone's
 * daily limit, leaving the rest to the notifications' write-backs.
 */
export const sweepSchema = z.strictObject({
  enabled: z._default(z.boolean(), true),
  /** Minutes between sweeps: 60 hourly, 1440 nightly. 5 at the least. */
  intervalMinutes: z._default(intBetween(5, 1440), 60),
  stopAtBudgetPercent: z._default(intBetween(1, 100), 80),
});
export type SweepConfig = z.infer<typeof sweepSchema>;

export const appConfigSchema = z.strictObject({
  appId,
  name: z.optional(z.string()),
  /** One token, or two while rotating: both are accepted. */
  webhookTokens: z
    .array(secretRefSchema)
    .check(
      z.minLength(1),
      z.maxLength(2, { error: 'at most two webhook tokens (current and next) are allowed' }),
    ),
  /** kintone API token with view and edit permission on the app, and comment permission. */
  apiToken: secretRefSchema,
  /**
   * When set, `fields` and `writeBack` name fields inside the subtable's rows. A mapped field
   * the row lacks is read from the record (one supplier or site field can serve every row);
   * write-back fields must be in the row.
   */
  subtable: z.optional(subtableSchema),
  fields: fieldMapSchema,
  writeBack: writeBackSchema,
  statuses: z.prefault(statusValuesSchema, {}),
  defaults: z.prefault(defaultsSchema, {}),
  /** True when staff type the bridge's orders into the on-order field themselves. */
  onOrderIncludesBridgeOrders: z._default(z.boolean(), false),
  /** Add a record comment summarising each order. */
  commentOnOrder: z._default(z.boolean(), true),
  channelLabels: z.prefault(channelLabelsSchema, {}),
  /** How due items are gathered into one order per supplier and ship-to; `immediate` by default. */
  gathering: z._default(gatheringSchema, { rule: 'immediate' }),
  /** Where the app's items are delivered (names in `deliveryAddresses`). */
  shipTo: z.optional(shipToSchema),
  /** Learning from the stream (issue 14) for this app; wins over the top-level `learning`. */
  learning: z.optional(learningSchema),
});

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export const companySchema = z.strictObject({
  name: trimmedNonEmpty,
  postalCode: z.optional(z.string()),
  address: trimmedNonEmpty,
  phone: trimmedNonEmpty,
  fax: z.optional(z.string()),
  email: z.email({ error: 'expected the sender email address (verified in SES)' }),
  contactName: z.optional(z.string()),
});

/**
 * The order app (発注管理): one kintone record per purchase order, written by the bridge so staff
 * see and search every order in kintone. Field codes are mapped like the item apps'.
 */
export const orderAppSchema = z.strictObject({
  appId,
  /** kintone API token with view, add and edit permission on the order app, and comments. */
  apiToken: secretRefSchema,
  /** The order app's webhook tokens (its UPDATE_STATUS webhook carries approvals). */
  webhookTokens: z._default(
    z
      .array(secretRefSchema)
      .check(
        z.maxLength(2, { error: 'at most two webhook tokens (current and next) are allowed' }),
      ),
    [],
  ),
  fields: z.strictObject({
    /** The order number (発注番号); should prohibit duplicate values. */
    orderNumber: fieldCode,
    supplier: fieldCode,
    shipTo: optionalFieldCode,
    /** The SUBTABLE of lines, and the codes of its columns. */
    lines: fieldCode,
    lineSku: fieldCode,
    lineName: fieldCode,
    lineQuantity: fieldCode,
    lineUnit: optionalFieldCode,
    lineUnitPrice: optionalFieldCode,
    lineAmount: optionalFieldCode,
    subtotal: optionalFieldCode,
    tax: optionalFieldCode,
    total: optionalFieldCode,
    /** The bridge's status of the order (a text or drop-down field, not process management). */
    status: fieldCode,
    channels: optionalFieldCode,
    /** The supplier's answer, as text. */
    answer: optionalFieldCode,
    orderDate: optionalFieldCode,
    sentAt: optionalFieldCode,
    answeredAt: optionalFieldCode,
    /** Why the order waits, was flagged or was rejected. */
    note: optionalFieldCode,
  }),
  /**
   * Approval through process management on the order record: the UPDATE_STATUS webhook carries
   * the status the action led to (kintone sends the new status, not the action's name).
   */
  approval: z.prefault(
    z.strictObject({
      /** Field code of the STATUS field. */
      statusField: z._default(fieldCode, 'ステータス'),
      /** Statuses reached by the approving action (承認). */
      approved: labels(['承認済']),
      /** Statuses reached by the rejecting actions (差し戻し, 却下). */
      rejected: labels(['差し戻し', '却下']),
      /** A text field where the approver gives the reason of a rejection (optional). */
      reasonField: optionalFieldCode,
    }),
    {},
  ),
});
export type OrderAppConfig = z.infer<typeof orderAppSchema>;

/**
 * Approval before anything goes to the supplier: an order of one of `apps`, of one of
 * `suppliers` (codes or names), or whose total (税込) is above `aboveAmount` waits as 承認待ち.
 * With an order app it is approved through process management; without, through a signed link
 * emailed to `approverEmail`.
 */
export const approvalSchema = z.strictObject({
  apps: z.optional(z.array(appId)),
  suppliers: z.optional(z.array(nonEmptyString)),
  aboveAmount: z.optional(integer.check(z.nonnegative())),
  approverEmail: z.optional(z.email()),
  /** The approver is reminded once after this many hours without a decision. */
  remindAfterHours: z._default(z.number().check(z.positive(), z.lte(24 * 30)), 24),
  /** Staff are flagged (要対応) after this many hours without a decision. */
  flagAfterHours: z._default(z.number().check(z.positive(), z.lte(24 * 60)), 48),
  /** How long an approval link opens its order. */
  linkTtlDays: z._default(intBetween(1, 60), 7),
});
export type ApprovalConfig = z.infer<typeof approvalSchema>;

export const bridgeConfigSchema = z
  .strictObject({
    company: companySchema,
    orderNumberPrefix: z._default(
      z.string().check(
        z.regex(/^[A-Z][A-Z0-9]{0,7}$/, {
          error: 'expected 1-8 capital letters or digits, such as "PO"',
        }),
      ),
      'PO',
    ),
    timeZone: z._default(
      z
        .string()
        .check(z.refine(isTimeZone, { error: 'expected an IANA time zone such as "Asia/Tokyo"' })),
      'Asia/Tokyo',
    ),
    apps: z
      .array(appConfigSchema)
      .check(z.minLength(1, { error: 'configure at least one kintone app' })),
    /** Without it, suppliers that need a fax are marked as needing attention. */
    fax: z.optional(faxConfigSchema),
    /** The signed order page where suppliers answer without an account (optional). */
    supplierPage: z.optional(supplierPageSchema),
    /** A kintone supplier app read by supplier code when an order is due (optional). */
    supplierMaster: z.optional(supplierMasterSchema),
    /** Delivery addresses (納品先) by name, referenced by each app's `shipTo`. */
    deliveryAddresses: z._default(z.record(nonEmptyString, deliveryAddressSchema), {}),
    tax: z.prefault(taxSchema, {}),
    /** Business days and hours (営業日); the default closes Saturdays, Sundays and holidays. */
    calendar: z.prefault(calendarSchema, {}),
    /**
     * Settings per supplier code: its own closed days (`closedDates`, `weeklyClosedDays`) and
     * gathering rule (`gathering`).
     */
    suppliers: z._default(z.record(nonEmptyString, supplierSettingsSchema), {}),
    /** Reminders, the fax after them, staff flags and 納期遅延 (optional; off without it). */
    followUp: z.optional(followUpSchema),
    /** The order app (発注管理) the bridge writes each order to (optional). */
    orderApp: z.optional(orderAppSchema),
    /** Which orders need approval before they are sent (optional). */
    approval: z.optional(approvalSchema),
    /** The sweep that reads every inventory app for shortages no webhook told of. */
    sweep: z.prefault(sweepSchema, {}),
    /** Learning from the stream (issue 14) for every app without its own block (optional). */
    learning: z.optional(learningSchema),
  })
  .check(
    z.superRefine((config, ctx) => {
      for (const issue of learningIssues(config)) ctx.addIssue({ code: 'custom', ...issue });
      if (config.approval && !config.orderApp && config.approval.approverEmail === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['approval', 'approverEmail'],
          message:
            'without an orderApp, approval needs approverEmail (the signed link is emailed there)',
        });
      }
      if (config.approval && !config.orderApp && config.supplierPage === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['approval'],
          message:
            'without an orderApp, approval links need supplierPage (its signing key and URL)',
        });
      }
      if (config.orderApp && config.apps.some((app) => app.appId === config.orderApp?.appId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['orderApp', 'appId'],
          message: 'the order app must not be one of the item apps',
        });
      }
      const refuse = (prefix: readonly (string | number)[], conflict: FieldRoleConflict) =>
        ctx.addIssue({
          code: 'custom',
          path: [...prefix, ...conflict.key],
          message: `${conflict.problem}. ${conflict.fix}`,
        });
      if (config.supplierMaster !== undefined) {
        for (const conflict of findMasterFieldRoleConflicts(config.supplierMaster.fields)) {
          refuse(['supplierMaster'], conflict);
        }
      }
      const seen = new Set<string>();
      config.apps.forEach((app, index) => {
        // A field with two roles overwrites staff data or reads one value as two; refused here
        // because the doctor is optional and the damage is done at the first write-back.
        for (const conflict of [
          ...findAppFieldRoleConflicts(app.fields, app.writeBack, app.subtable?.field),
          ...findClosingStatuses(app.statuses),
        ]) {
          refuse(['apps', index], conflict);
        }
        if (seen.has(app.appId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['apps', index, 'appId'],
            message: `app ${app.appId} is configured twice`,
          });
        }
        seen.add(app.appId);
        const addressNames = [
          ...(app.shipTo?.default !== undefined ? [['default', app.shipTo.default] as const] : []),
          ...Object.entries(app.shipTo?.byValue ?? {}).map(
            ([value, name]) => [`byValue.${value}`, name] as const,
          ),
        ];
        for (const [where, name] of addressNames) {
          if (config.deliveryAddresses[name] === undefined) {
            ctx.addIssue({
              code: 'custom',
              path: ['apps', index, 'shipTo', ...where.split('.')],
              message: `delivery address "${name}" is not in deliveryAddresses`,
            });
          }
        }
        if (Object.keys(app.shipTo?.byValue ?? {}).length > 0 && app.fields.shipTo === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['apps', index, 'fields', 'shipTo'],
            message: 'map fields.shipTo (the site field) for shipTo.byValue to be read',
          });
        }
        if (
          app.fields.maxStock === undefined &&
          app.fields.reorderQuantity === undefined &&
          app.defaults.maxStock === undefined &&
          app.defaults.reorderQuantity === undefined
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['apps', index, 'fields'],
            message:
              'map maxStock or reorderQuantity (or give defaults.maxStock / defaults.reorderQuantity): the bridge cannot compute a quantity otherwise',
          });
        }
        // With a supplier master, the code alone finds the supplier's name and contacts.
        const masterKnowsSupplier =
          config.supplierMaster !== undefined && app.fields.supplierCode !== undefined;
        if (
          app.fields.supplierEmail === undefined &&
          app.defaults.supplierEmail === undefined &&
          app.fields.supplierFax === undefined &&
          !masterKnowsSupplier
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['apps', index, 'fields', 'supplierEmail'],
            message:
              'map supplierEmail or supplierFax (or give defaults.supplierEmail, or map supplierCode with a supplierMaster): order requests need somewhere to go',
          });
        }
        if (
          app.fields.supplierName === undefined &&
          app.defaults.supplierName === undefined &&
          !masterKnowsSupplier
        ) {
          ctx.addIssue({
            code: 'custom',
            path: ['apps', index, 'fields', 'supplierName'],
            message:
              'map supplierName or give defaults.supplierName (or map supplierCode with a supplierMaster)',
          });
        }
      });
    }),
  );

export type BridgeConfig = z.infer<typeof bridgeConfigSchema>;
export type AppConfig = z.infer<typeof appConfigSchema>;
export type FieldMap = z.infer<typeof fieldMapSchema>;
export type WriteBackFields = z.infer<typeof writeBackSchema>;
export type ShipToConfig = z.infer<typeof shipToSchema>;
