import { z } from 'zod';
import { MAX_LEAD_TIME_DAYS } from '../domain/evaluate-reorder';
import { MAX_SAFE_QUANTITY } from '../domain/quantity';
import {
  findAppFieldRoleConflicts,
  findClosingStatuses,
  findMasterFieldRoleConflicts,
  type FieldRoleConflict,
} from './field-roles';

/**
 * The deployment's configuration: one JSON file, validated here before anything runs.
 * Nothing about a particular kintone app is hard-coded anywhere else; field codes live here.
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
    z.string().min(MIN_LITERAL_SECRET_LENGTH, {
      message: `a literal secret must be at least ${MIN_LITERAL_SECRET_LENGTH} characters (or use {"env": "NAME"})`,
    }),
    z.strictObject({
      env: z.string().regex(ENV_NAME, {
        message: 'expected an environment variable name like WEBHOOK_TOKEN_12',
      }),
    }),
  ],
  {
    // Without it a missing or mistyped secret reads only "Invalid input".
    message: `expected {"env": "NAME"} or a literal secret of at least ${MIN_LITERAL_SECRET_LENGTH} characters`,
  },
);
export type SecretRef = z.infer<typeof secretRefSchema>;

const fieldCode = z.string().trim().min(1, { message: 'expected a kintone field code' }).max(128);
const appId = z
  .union([z.string(), z.number().int().positive()])
  .transform(String)
  .pipe(z.string().regex(/^[1-9]\d*$/, { message: 'expected a kintone app id such as "12"' }));

/** Field codes of the item record. Optional ones may be left out when the app lacks them. */
export const fieldMapSchema = z.strictObject({
  sku: fieldCode,
  name: fieldCode,
  unit: fieldCode.optional(),
  onHand: fieldCode,
  reorderPoint: fieldCode,
  maxStock: fieldCode.optional(),
  reorderQuantity: fieldCode.optional(),
  packSize: fieldCode.optional(),
  minimumOrder: fieldCode.optional(),
  onOrder: fieldCode.optional(),
  reserved: fieldCode.optional(),
  leadTimeDays: fieldCode.optional(),
  snoozeUntil: fieldCode.optional(),
  supplierCode: fieldCode.optional(),
  supplierName: fieldCode.optional(),
  supplierEmail: fieldCode.optional(),
  supplierFax: fieldCode.optional(),
  /** How the supplier wants orders (メール / FAX / メールとFAX), read through `channelLabels`. */
  supplierChannel: fieldCode.optional(),
  /** Unit price (単価), a NUMBER field: with it, order lines show amounts and the order its tax. */
  unitPrice: fieldCode.optional(),
  /**
   * Marks an item taxed at the reduced rate (軽減税率, 8 %): any value in `tax.reducedLabels`
   * (a checkbox, a drop-down or text). Without the field every item is at the standard rate.
   */
  taxRate: fieldCode.optional(),
  /** The site the item is kept at (倉庫 / 拠点): mapped to a delivery address by `shipTo.byValue`. */
  shipTo: fieldCode.optional(),
  /**
   * 入荷数, a NUMBER field staff fill in with a closing status (入荷済): the quantity received of
   * the order so far. Below the ordered quantity the line stays open for the rest (一部入荷).
   */
  receivedQuantity: fieldCode.optional(),
});

/** Fields the bridge writes its outcome to. They should not be edited by staff except status. */
export const writeBackSchema = z.strictObject({
  status: fieldCode,
  orderNumber: fieldCode,
  orderedAt: fieldCode.optional(),
  reason: fieldCode,
  /** DATE field for the delivery date the supplier promised on the order page. */
  deliveryDate: fieldCode.optional(),
  /** Delivery of the order email as SES reports it (配信済 / 不達 / 苦情 / 拒否). */
  deliveryStatus: fieldCode.optional(),
});

/**
 * A default quantity within the domain's safe range: past it a double no longer holds every
 * integer, order quantities computed from it go wrong, and DynamoDB's marshaller refuses them.
 */
const quantity = z
  .number()
  .finite()
  .max(MAX_SAFE_QUANTITY, { message: `expected a quantity of at most ${MAX_SAFE_QUANTITY}` });
const nonNegative = quantity.nonnegative();

export const statusValuesSchema = z.strictObject({
  /** Written when an order request has been sent. */
  ordered: z.string().min(1).default('発注依頼済'),
  /** Any of these, set by staff together with the order number, closes the open order. */
  closed: z.array(z.string().min(1)).min(1).default(['入荷済', 'キャンセル']),
  /** Written when the record cannot be evaluated. */
  needsAttention: z.string().min(1).default('要確認'),
  /** Written back when a record that needed attention is fine again. */
  idle: z.string().min(1).default('未発注'),
  /** Written when every channel to the supplier has failed: a person must call them. */
  failed: z.string().min(1).default('要対応'),
  /**
   * Written while an order exists but could not be sent yet (SES or the fax gateway failing
   * for now): the bridge retries by itself; staff see that the order is on its way.
   */
  sending: z.string().min(1).default('送信待ち'),
  /**
   * Written while the item's line waits for its gathered order to be sent (a window or the next
   * cut-off): the item is on order, and the order number is already known.
   */
  waiting: z.string().min(1).default('待機中'),
  /** Written when the supplier answers on the order page. */
  confirmed: z.string().min(1).default('受注確認済'),
  partial: z.string().min(1).default('一部受注'),
  declined: z.string().min(1).default('辞退'),
  /** Written when the confirmed or desired delivery date has passed without receipt. */
  late: z.string().min(1).default('納期遅延'),
  /** Written when part of a line was received (`fields.receivedQuantity`): the rest is on order. */
  partiallyReceived: z.string().min(1).default('一部入荷'),
  /** Written while the line's order waits for approval (`approval`): the item is on order. */
  awaitingApproval: z.string().min(1).default('承認待ち'),
});

/** Values used when the app has no field for them (or the field is empty). */
export const defaultsSchema = z.strictObject({
  unit: z.string().min(1).default('個'),
  packSize: quantity.positive().default(1),
  minimumOrder: nonNegative.default(0),
  leadTimeDays: z
    .number()
    .int()
    .nonnegative()
    .max(MAX_LEAD_TIME_DAYS, {
      message: `expected at most ${MAX_LEAD_TIME_DAYS} days (longer is refused for every record)`,
    })
    .default(0),
  maxStock: nonNegative.optional(),
  reorderQuantity: quantity.positive().optional(),
  supplierName: z.string().min(1).optional(),
  supplierEmail: z.email().optional(),
  /** `auto`: email when the supplier has an address, otherwise fax. */
  channel: z.enum(['auto', 'email', 'fax', 'both']).default('auto'),
});

/** Record values of the channel field, per channel (compared ignoring width and case). */
export const channelLabelsSchema = z.strictObject({
  email: z.array(z.string().min(1)).min(1).default(['メール', 'Eメール', 'email']),
  fax: z.array(z.string().min(1)).min(1).default(['FAX', 'ファックス', 'ファクス']),
  both: z.array(z.string().min(1)).min(1).default(['メールとFAX', 'メール+FAX', '両方', 'both']),
});

const httpsOrLocalUrl = z
  .string()
  .url()
  .refine(
    (value) =>
      /^https:\/\//.test(value) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(value),
    {
      message: 'expected an https URL (plain http only for 127.0.0.1 or localhost)',
    },
  );

/**
 * The fax gateway. Phaxio (Sinch) is a documented HTTP fax API; email-to-fax sends the PDF as a
 * mail attachment to `NUMBER@domain`, as Japanese fax services accept.
 */
export const faxGatewaySchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('phaxio'),
    baseUrl: httpsOrLocalUrl.default('https://api.phaxio.com/v2'),
    apiKey: secretRefSchema,
    apiSecret: secretRefSchema,
    /** Phaxio's callback token: status callbacks are signed with it. */
    callbackToken: secretRefSchema,
    /** Public URL of this bridge's `/webhooks/fax` (set by the stack when omitted). */
    callbackUrl: httpsOrLocalUrl.optional(),
  }),
  z.strictObject({
    type: z.literal('email-to-fax'),
    /** The service's domain: faxes go to `0312345678@domain`. */
    domain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, {
      message: 'expected a mail domain such as fax.example.jp',
    }),
    numberFormat: z.enum(['national', 'e164']).default('national'),
    textCharset: z.enum(['iso-2022-jp', 'utf-8']).default('iso-2022-jp'),
  }),
]);

export const supplierPageSchema = z.strictObject({
  /** Public base URL of the bridge's HTTP API; links are `${baseUrl}/o/<token>` (set by the stack when omitted). */
  baseUrl: httpsOrLocalUrl.optional(),
  /** HMAC-SHA256 key that signs order links (32+ random bytes). */
  signingKey: secretRefSchema,
  /** How long a link opens its order. */
  linkTtlDays: z.number().int().min(1).max(365).default(30),
});
export type SupplierPageConfig = z.infer<typeof supplierPageSchema>;

export const faxConfigSchema = z.strictObject({
  /** Region in which numbers without a country code are read. */
  region: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .default('JP'),
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
    email: fieldCode.optional(),
    fax: fieldCode.optional(),
    /** How the supplier wants orders, read through `channelLabels`. */
    channel: fieldCode.optional(),
  }),
  /** How long a supplier read (or a code found missing) is reused, per Lambda container. */
  cacheTtlSeconds: z.number().int().min(0).max(MAX_SUPPLIER_CACHE_TTL_SECONDS).default(300),
  channelLabels: channelLabelsSchema.prefault({}),
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
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected a time of day such as "10:00"' });

/**
 * When the items that fall due for one supplier and ship-to are sent as one order:
 * - `immediate`: each notification's due items are sent at once (one order per record);
 * - `window`: `minutes` after the first line fell due, with every line gathered meanwhile;
 * - `cutoff`: at the next of the given times of day (in `timeZone`), like a supplier's
 *   order deadlines (締め時間).
 */
export const gatheringSchema = z.discriminatedUnion('rule', [
  z.strictObject({ rule: z.literal('immediate') }),
  z.strictObject({ rule: z.literal('window'), minutes: z.number().int().min(1).max(1_440) }),
  z.strictObject({
    rule: z.literal('cutoff'),
    times: z
      .array(clockTime)
      .min(1)
      .max(24)
      .refine((times) => new Set(times).size === times.length, {
        message: 'each cut-off time once',
      }),
  }),
]);
export type GatheringRule = z.infer<typeof gatheringSchema>;

const calendarDate = z.iso.date({ message: 'expected a date such as "2026-12-29"' });

/** Closed days (休業日) of the company or a supplier: weekly weekdays and named date ranges. */
const closedDaysShape = {
  /** Weekdays closed every week, 0 = Sunday … 6 = Saturday. */
  weeklyClosedDays: z
    .array(z.number().int().min(0).max(6))
    .max(6, { message: 'at least one weekday must stay open' })
    .refine((days) => new Set(days).size === days.length, { message: 'each weekday once' })
    .optional(),
  /** Closed date ranges, both ends inclusive, such as 年末年始 or お盆. */
  closedDates: z
    .array(
      z
        .strictObject({ from: calendarDate, to: calendarDate, name: z.string().trim().min(1) })
        .refine((range) => range.from <= range.to, { message: '`to` is before `from`' })
        // Longer is a typing slip (a wrong year), and no business day would be left to count.
        .refine((range) => Date.parse(range.to) - Date.parse(range.from) < 366 * 86_400_000, {
          message: 'a closed date range lasts at most a year',
        }),
    )
    .default([]),
};

/**
 * The company's business days and hours: lead times (the desired delivery date), cut-offs and
 * reminders count them in `timeZone`. Japanese public holidays always count as closed (from the
 * holiday list); without `weeklyClosedDays` Saturday and Sunday are closed.
 */
export const calendarSchema = z.strictObject({
  ...closedDaysShape,
  weeklyClosedDays: closedDaysShape.weeklyClosedDays.default([0, 6]),
  businessHours: z
    .strictObject({ start: clockTime, end: clockTime })
    .refine((hours) => hours.start < hours.end, { message: '`end` must be after `start`' })
    .default({ start: '09:00', end: '18:00' }),
});
export type CalendarConfig = z.infer<typeof calendarSchema>;

/**
 * A supplier's own closed days, by supplier code: no delivery is counted on them. Without
 * `weeklyClosedDays` the supplier closes on the company's weekly days.
 */
export const supplierCalendarSchema = z.strictObject(closedDaysShape);
export type SupplierCalendarConfig = z.infer<typeof supplierCalendarSchema>;

/** A delivery address (納品先) printed on the order: where the supplier delivers. */
export const deliveryAddressSchema = z.strictObject({
  name: z.string().trim().min(1),
  postalCode: z
    .string()
    .regex(/^\d{3}-?\d{4}$/, { message: 'expected a postal code such as "530-0001"' })
    .optional(),
  address: z.string().trim().min(1),
  phone: z.string().trim().min(1).optional(),
  /** The person who receives the goods (担当者). */
  contact: z.string().trim().min(1).optional(),
});
export type DeliveryAddressConfig = z.infer<typeof deliveryAddressSchema>;

/**
 * Where an app's items are delivered: `default` names an entry of `deliveryAddresses`;
 * `byValue` maps values of the record field `fields.shipTo` (such as 大阪倉庫) to entries.
 * Items of different ship-tos never share an order.
 */
export const shipToSchema = z.strictObject({
  default: z.string().min(1).optional(),
  byValue: z.record(z.string().min(1), z.string().min(1)).default({}),
});

const businessHours = z.number().positive().max(10_000);

/**
 * Following up sent orders (issue 12), on the scheduled send's runs: a reminder to a supplier
 * who has not answered, the fax after it, staff flagged (要対応), and 納期遅延 once a delivery
 * date passed without receipt. Without `followUp` nothing is followed up.
 */
export const followUpSchema = z
  .strictObject({
    /** Business hours after the send without an answer before the one reminder. */
    remindAfterBusinessHours: businessHours.default(8),
    /** After an email reminder, also fax the order (the supplier's fax number as fallback). */
    faxAfterReminder: z.boolean().default(true),
    /** When the fax goes (business hours after the send); halfway to the flag by default. */
    faxAfterBusinessHours: businessHours.optional(),
    /** Business hours after the send without an answer before staff are flagged (要対応). */
    flagAfterBusinessHours: businessHours.default(16),
  })
  .refine((rule) => rule.flagAfterBusinessHours >= rule.remindAfterBusinessHours, {
    message: 'flagAfterBusinessHours must not come before remindAfterBusinessHours',
  });
export type FollowUpConfig = z.infer<typeof followUpSchema>;

/** 消費税: the rates, how a rate's tax is rounded (once per rate and order) and the reduced mark. */
export const taxSchema = z.strictObject({
  standardRatePercent: z.number().int().min(0).max(100).default(10),
  reducedRatePercent: z.number().int().min(0).max(100).default(8),
  /** 切り捨て (floor) by default, as most Japanese invoices round. */
  rounding: z.enum(['floor', 'round', 'ceil']).default('floor'),
  /** Values of `fields.taxRate` that mean the reduced rate (compared ignoring width and case). */
  reducedLabels: z.array(z.string().min(1)).min(1).default(['軽減', '軽減税率', '8%', '8', '※']),
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
  enabled: z.boolean().default(true),
  /** Minutes between sweeps: 60 hourly, 1440 nightly. 5 at the least. */
  intervalMinutes: z.number().int().min(5).max(1440).default(60),
  stopAtBudgetPercent: z.number().int().min(1).max(100).default(80),
});
export type SweepConfig = z.infer<typeof sweepSchema>;

export const appConfigSchema = z.strictObject({
  appId,
  name: z.string().optional(),
  /** One token, or two while rotating: both are accepted. */
  webhookTokens: z
    .array(secretRefSchema)
    .min(1)
    .max(2, { message: 'at most two webhook tokens (current and next) are allowed' }),
  /** kintone API token with view and edit permission on the app, and comment permission. */
  apiToken: secretRefSchema,
  /**
   * When set, `fields` and `writeBack` name fields inside the subtable's rows. A mapped field
   * the row lacks is read from the record (one supplier or site field can serve every row);
   * write-back fields must be in the row.
   */
  subtable: subtableSchema.optional(),
  fields: fieldMapSchema,
  writeBack: writeBackSchema,
  statuses: statusValuesSchema.prefault({}),
  defaults: defaultsSchema.prefault({}),
  /** True when staff type the bridge's orders into the on-order field themselves. */
  onOrderIncludesBridgeOrders: z.boolean().default(false),
  /** Add a record comment summarising each order. */
  commentOnOrder: z.boolean().default(true),
  channelLabels: channelLabelsSchema.prefault({}),
  /** How due items are gathered into one order per supplier and ship-to; `immediate` by default. */
  gathering: gatheringSchema.default({ rule: 'immediate' }),
  /** Where the app's items are delivered (names in `deliveryAddresses`). */
  shipTo: shipToSchema.optional(),
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
  name: z.string().trim().min(1),
  postalCode: z.string().optional(),
  address: z.string().trim().min(1),
  phone: z.string().trim().min(1),
  fax: z.string().optional(),
  email: z.email({ message: 'expected the sender email address (verified in SES)' }),
  contactName: z.string().optional(),
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
  webhookTokens: z
    .array(secretRefSchema)
    .max(2, { message: 'at most two webhook tokens (current and next) are allowed' })
    .default([]),
  fields: z.strictObject({
    /** The order number (発注番号); should prohibit duplicate values. */
    orderNumber: fieldCode,
    supplier: fieldCode,
    shipTo: fieldCode.optional(),
    /** The SUBTABLE of lines, and the codes of its columns. */
    lines: fieldCode,
    lineSku: fieldCode,
    lineName: fieldCode,
    lineQuantity: fieldCode,
    lineUnit: fieldCode.optional(),
    lineUnitPrice: fieldCode.optional(),
    lineAmount: fieldCode.optional(),
    subtotal: fieldCode.optional(),
    tax: fieldCode.optional(),
    total: fieldCode.optional(),
    /** The bridge's status of the order (a text or drop-down field, not process management). */
    status: fieldCode,
    channels: fieldCode.optional(),
    /** The supplier's answer, as text. */
    answer: fieldCode.optional(),
    orderDate: fieldCode.optional(),
    sentAt: fieldCode.optional(),
    answeredAt: fieldCode.optional(),
    /** Why the order waits, was flagged or was rejected. */
    note: fieldCode.optional(),
  }),
  /**
   * Approval through process management on the order record: the UPDATE_STATUS webhook carries
   * the status the action led to (kintone sends the new status, not the action's name).
   */
  approval: z
    .strictObject({
      /** Field code of the STATUS field. */
      statusField: fieldCode.default('ステータス'),
      /** Statuses reached by the approving action (承認). */
      approved: z.array(z.string().min(1)).min(1).default(['承認済']),
      /** Statuses reached by the rejecting actions (差し戻し, 却下). */
      rejected: z.array(z.string().min(1)).min(1).default(['差し戻し', '却下']),
      /** A text field where the approver gives the reason of a rejection (optional). */
      reasonField: fieldCode.optional(),
    })
    .prefault({}),
});
export type OrderAppConfig = z.infer<typeof orderAppSchema>;

/**
 * Approval before anything goes to the supplier: an order of one of `apps`, of one of
 * `suppliers` (codes or names), or whose total (税込) is above `aboveAmount` waits as 承認待ち.
 * With an order app it is approved through process management; without, through a signed link
 * emailed to `approverEmail`.
 */
export const approvalSchema = z.strictObject({
  apps: z.array(appId).optional(),
  suppliers: z.array(z.string().min(1)).optional(),
  aboveAmount: z.number().int().nonnegative().optional(),
  approverEmail: z.email().optional(),
  /** The approver is reminded once after this many hours without a decision. */
  remindAfterHours: z
    .number()
    .positive()
    .max(24 * 30)
    .default(24),
  /** Staff are flagged (要対応) after this many hours without a decision. */
  flagAfterHours: z
    .number()
    .positive()
    .max(24 * 60)
    .default(48),
  /** How long an approval link opens its order. */
  linkTtlDays: z.number().int().min(1).max(60).default(7),
});
export type ApprovalConfig = z.infer<typeof approvalSchema>;

export const bridgeConfigSchema = z
  .strictObject({
    company: companySchema,
    orderNumberPrefix: z
      .string()
      .regex(/^[A-Z][A-Z0-9]{0,7}$/, {
        message: 'expected 1-8 capital letters or digits, such as "PO"',
      })
      .default('PO'),
    timeZone: z
      .string()
      .refine(isTimeZone, { message: 'expected an IANA time zone such as "Asia/Tokyo"' })
      .default('Asia/Tokyo'),
    apps: z.array(appConfigSchema).min(1, { message: 'configure at least one kintone app' }),
    /** Without it, suppliers that need a fax are marked as needing attention. */
    fax: faxConfigSchema.optional(),
    /** The signed order page where suppliers answer without an account (optional). */
    supplierPage: supplierPageSchema.optional(),
    /** A kintone supplier app read by supplier code when an order is due (optional). */
    supplierMaster: supplierMasterSchema.optional(),
    /** Delivery addresses (納品先) by name, referenced by each app's `shipTo`. */
    deliveryAddresses: z.record(z.string().min(1), deliveryAddressSchema).default({}),
    tax: taxSchema.prefault({}),
    /** Business days and hours (営業日); the default closes Saturdays, Sundays and holidays. */
    calendar: calendarSchema.prefault({}),
    /** Settings per supplier code: its own closed days (`closedDates`, `weeklyClosedDays`). */
    suppliers: z.record(z.string().min(1), supplierCalendarSchema).default({}),
    /** Reminders, the fax after them, staff flags and 納期遅延 (optional; off without it). */
    followUp: followUpSchema.optional(),
    /** The order app (発注管理) the bridge writes each order to (optional). */
    orderApp: orderAppSchema.optional(),
    /** Which orders need approval before they are sent (optional). */
    approval: approvalSchema.optional(),
    /** The sweep that reads every inventory app for shortages no webhook told of. */
    sweep: sweepSchema.prefault({}),
  })
  .superRefine((config, ctx) => {
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
        message: 'without an orderApp, approval links need supplierPage (its signing key and URL)',
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
  });

export type BridgeConfig = z.infer<typeof bridgeConfigSchema>;
export type AppConfig = z.infer<typeof appConfigSchema>;
export type FieldMap = z.infer<typeof fieldMapSchema>;
export type WriteBackFields = z.infer<typeof writeBackSchema>;
export type ShipToConfig = z.infer<typeof shipToSchema>;
