import * as z from 'zod/mini';
import '../edge/zod-mini-messages';

/**
 * kintone webhook notifications (all five types), validated at the edge. Objects are loose:
 * kintone may add keys, and rejecting a notification for an unknown key would lose it.
 *
 * Written with `zod/mini`, the tree-shakable form of zod 4 (functions instead of methods):
 * the webhook bundles only the checks used here (about 24 KB, against 445 KB for the same
 * schema in classic zod, whose every schema carries every method).
 */

/**
 * kintone's record ids, revisions and app ids are positive integers sent as decimal strings
 * without leading zeros. Anything else (`"0"`, `"007"`, `"9999999999999999999999999"`) is
 * not from kintone, and letting it through would poison its record: `Number()` of a
 * 25-digit revision is no longer that revision, so every later edit would look stale.
 */
const KINTONE_ID_PATTERN = /^[1-9]\d*$/;

/** True for a decimal string from 1 to `Number.MAX_SAFE_INTEGER`, as kintone sends ids. */
export function isKintoneId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    KINTONE_ID_PATTERN.test(value) &&
    value.length <= 16 &&
    Number(value) <= Number.MAX_SAFE_INTEGER
  );
}

/** How kintone writes an id, for messages that say why one was refused. */
const KINTONE_ID_FORMAT = `a decimal string from 1 to ${Number.MAX_SAFE_INTEGER} without leading zeros`;

const idString = z
  .string()
  .check(z.refine(isKintoneId, { error: `expected ${KINTONE_ID_FORMAT}` }));

/** One field of a record: `{ type, value }`, value's shape depends on the type. */
export const fieldSchema = z.looseObject({
  type: z.string().check(z.minLength(1)),
  value: z.unknown(),
});
export type KintoneField = z.infer<typeof fieldSchema>;

export const recordSchema = z.record(z.string(), fieldSchema).check(
  z.superRefine((record, ctx) => {
    for (const key of ['$id', '$revision'] as const) {
      const field = record[key];
      if (!field || !isKintoneId(field.value)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `record.${key} must be present with a value that is ${KINTONE_ID_FORMAT}`,
        });
      }
    }
  }),
);
export type KintoneRecord = z.infer<typeof recordSchema>;

const appSchema = z.looseObject({ id: idString, name: z.string() });
// kintone's ids are UUID-like; the id also becomes the SQS FIFO deduplication id, which allows
// only these characters.
const notificationId = z.string().check(
  z.regex(/^[A-Za-z0-9_.-]{1,128}$/, {
    error: 'expected a notification id of letters, digits, "-", "_" or "."',
  }),
);

export const recordNotificationSchema = z.looseObject({
  id: notificationId,
  type: z.enum(['ADD_RECORD', 'UPDATE_RECORD', 'UPDATE_STATUS']),
  app: appSchema,
  record: recordSchema,
  recordTitle: z.optional(z.string()),
  url: z.optional(z.string()),
});

const userSchema = z.looseObject({ code: z.string(), name: z.string() });

/** One older localized page spells the fields `deleteBy` / `deleteAt`: both are accepted. */
export const deleteNotificationSchema = z.pipe(
  z.looseObject({
    id: notificationId,
    type: z.literal('DELETE_RECORD'),
    app: appSchema,
    recordId: idString,
    deletedBy: z.optional(userSchema),
    deleteBy: z.optional(userSchema),
    deletedAt: z.optional(z.string()),
    deleteAt: z.optional(z.string()),
  }),
  z.transform(({ deleteBy, deleteAt, ...rest }) => ({
    ...rest,
    deletedBy: rest.deletedBy ?? deleteBy,
    deletedAt: rest.deletedAt ?? deleteAt,
  })),
);

export const commentNotificationSchema = z.looseObject({
  id: notificationId,
  type: z.literal('ADD_RECORD_COMMENT'),
  app: appSchema,
  recordId: idString,
  comment: z.looseObject({ id: z.string(), text: z.optional(z.string()) }),
  url: z.optional(z.string()),
});

/**
 * Discriminated on `type` so that a rejected notification is reported at the failing field
 * (`record.$revision`, `type`) instead of one top-level "Invalid input" for the whole union.
 */
export const notificationSchema = z.discriminatedUnion('type', [
  recordNotificationSchema,
  deleteNotificationSchema,
  commentNotificationSchema,
]);

export type RecordNotification = z.infer<typeof recordNotificationSchema>;
export type DeleteNotification = z.infer<typeof deleteNotificationSchema>;
export type CommentNotification = z.infer<typeof commentNotificationSchema>;
export type KintoneNotification = z.infer<typeof notificationSchema>;

export const NOTIFICATION_TYPES = [
  'ADD_RECORD',
  'UPDATE_RECORD',
  'UPDATE_STATUS',
  'DELETE_RECORD',
  'ADD_RECORD_COMMENT',
] as const;

/** True for the types that carry the whole record (add, edit, status change). */
export function isRecordNotification(
  notification: KintoneNotification,
): notification is RecordNotification {
  return (
    notification.type === 'ADD_RECORD' ||
    notification.type === 'UPDATE_RECORD' ||
    notification.type === 'UPDATE_STATUS'
  );
}

/** The record id a notification is about, whatever its type. */
export function notificationRecordId(notification: KintoneNotification): string {
  return isRecordNotification(notification)
    ? String(notification.record.$id?.value)
    : notification.recordId;
}

/** `$revision` of a record notification. */
export function recordRevision(record: KintoneRecord): number {
  return Number(record.$revision?.value);
}

/** FIFO group for a notification: one record's notifications are processed in order. */
export function notificationGroupId(notification: KintoneNotification): string {
  return `${notification.app.id}:${notificationRecordId(notification)}`;
}
