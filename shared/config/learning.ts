import * as z from 'zod/mini';
import '../edge/zod-mini-messages';
import type { AppConfig, BridgeConfig } from './schema';

/**
 * The learning's settings (issue 14): per app (`apps[].learning`) or for every app (the
 * top-level `learning`; an app's own block wins whole). Without either, nothing is learned.
 * Propose, never impose: suggestions go to their own fields unless `overwriteStaffFields`.
 *
 * @example
 * { "learning": { "fields": { "reorderPoint": "推奨発注点", "orderUpTo": "推奨最大在庫",
 *   "leadTimeDays": "推定リードタイム", "reason": "推奨理由" } } }
 */

const fieldCode = z
  .string()
  .check(z.trim(), z.minLength(1, { error: 'a field code cannot be empty' }));
const optionalFieldCode = z.optional(fieldCode);
const intBetween = (min: number, max: number) => z.number().check(z.int(), z.gte(min), z.lte(max));

/** Where an item's suggestion is written (fields of the item record or its table row). */
export const learningFieldsSchema = z.strictObject({
  /** 推奨発注点, a NUMBER field. */
  reorderPoint: optionalFieldCode,
  /** 推奨最大在庫, a NUMBER field. */
  orderUpTo: optionalFieldCode,
  /** 推定リードタイム (business days), a NUMBER field. */
  leadTimeDays: optionalFieldCode,
  /** The one-line reason (推奨理由), a text field. */
  reason: optionalFieldCode,
});

/** Where a supplier's scorecard is written on the supplier master (top-level `learning` only). */
export const scorecardFieldsSchema = z.strictObject({
  /** 納期遵守率 (on time in full), a NUMBER field: percent, one decimal. */
  otifRate: optionalFieldCode,
  /** 回答時間 (median hours to answer), a NUMBER field. */
  medianAnswerHours: optionalFieldCode,
  /** 実績リードタイム (business days, mean), a NUMBER field. */
  leadTimeDays: optionalFieldCode,
  /** リードタイムのばらつき (σ, business days), a NUMBER field. */
  leadTimeDeviation: optionalFieldCode,
});

export const learningSchema = z.strictObject({
  /** Cycle service level of the suggested reorder point, 0.5–0.9999. */
  serviceLevel: z._default(
    z
      .number()
      .check(
        z.gte(0.5, { error: 'serviceLevel must be between 0.5 and 0.9999 (0.95 is 95 %)' }),
        z.lte(0.9999, { error: 'serviceLevel must be between 0.5 and 0.9999 (0.95 is 95 %)' }),
      ),
    0.95,
  ),
  /** Business days of history demand is learned from. */
  windowDays: z._default(intBetween(20, 250), 60),
  /** Business days an order is meant to last beyond the reorder point (order-up-to level). */
  orderCycleDays: z._default(intBetween(1, 120), 10),
  fields: z._default(learningFieldsSchema, {}),
  /**
   * Values of `fields.stockChangeReason` that mark an edit as a staff correction (棚卸): the
   * change is then not demand. Only an edit that sets the value counts (the field keeps it
   * afterwards, and the next edit with it unchanged is ordinary again).
   */
  correctionLabels: z._default(
    z.array(z.string().check(z.trim(), z.minLength(1))).check(z.minLength(1)),
    ['棚卸'],
  ),
  /** Write the suggestion to the app's own 発注点 / 最大在庫 as well (staff opt in). */
  overwriteStaffFields: z._default(z.boolean(), false),
  /** Shadow mode: record the orders the bridge would place, and send nothing. */
  shadow: z._default(z.boolean(), false),
  supplierFields: z.optional(scorecardFieldsSchema),
});
export type LearningConfig = z.infer<typeof learningSchema>;

/** The learning settings that apply to an app; undefined: the app learns nothing. */
export function learningFor(config: BridgeConfig, app: AppConfig): LearningConfig | undefined {
  return app.learning ?? config.learning;
}

/** A problem of the learning settings, as the config schema reports it. */
export interface LearningIssue {
  path: (string | number)[];
  message: string;
}

/** What is wrong with the learning settings of the configuration, each with a fix. */
export function learningIssues(config: BridgeConfig): LearningIssue[] {
  const issues: LearningIssue[] = [];
  config.apps.forEach((app, index) => {
    const learning = learningFor(config, app);
    if (!learning) return;
    const where = app.learning ? ['apps', index, 'learning'] : ['learning'];
    const staff: Array<[string, string | undefined, string]> = [
      ['reorderPoint', app.fields.reorderPoint, 'fields.reorderPoint (発注点)'],
      ['orderUpTo', app.fields.maxStock, 'fields.maxStock (最大在庫)'],
      ['leadTimeDays', app.fields.leadTimeDays, 'fields.leadTimeDays (リードタイム)'],
    ];
    const own = new Set(
      [...Object.values(app.fields), ...Object.values(app.writeBack)].filter(
        (code): code is string => typeof code === 'string',
      ),
    );
    for (const [key, code] of Object.entries(learning.fields)) {
      if (code === undefined) continue;
      const mapped = staff.find(([role]) => role === key);
      if (mapped && mapped[1] === code) {
        issues.push({
          path: [...where, 'fields', key],
          message: `"${code}" is the app's own ${mapped[2]}: suggestions would overwrite staff's values. Use a field of its own (推奨…), or set overwriteStaffFields: true and leave this out`,
        });
      } else if (own.has(code)) {
        issues.push({
          path: [...where, 'fields', key],
          message: `"${code}" is already mapped in fields or writeBack: give the suggestion a field of its own`,
        });
      }
    }
    if (learning.overwriteStaffFields && app.fields.maxStock === undefined) {
      issues.push({
        path: [...where, 'overwriteStaffFields'],
        message:
          'overwriteStaffFields writes the suggested order-up-to level to fields.maxStock, which is not mapped: map it or leave overwriteStaffFields false',
      });
    }
    if (app.learning?.supplierFields !== undefined) {
      issues.push({
        path: [...where, 'supplierFields'],
        message:
          'supplierFields belong to the top-level learning block (the supplier master is shared by every app)',
      });
    }
  });
  if (config.learning?.supplierFields !== undefined && config.supplierMaster === undefined) {
    issues.push({
      path: ['learning', 'supplierFields'],
      message: 'supplierFields are written to the supplier master: configure supplierMaster',
    });
  }
  return issues;
}
