import type {
  ItemAlertState,
  ItemSnapshot,
  MappedItem,
  NotificationRef,
  RecordedOutcome,
  ReorderPolicy,
} from '../../../shared/domain/item';
import type { ReorderInput } from '../../../shared/domain/evaluate-reorder';

/** 2026-11-28 11:15 in Tokyo: well inside the JST day, so date tests are not boundary luck. */
export const NOW = new Date('2026-11-28T02:15:00Z');

export const POLICY: ReorderPolicy = {
  closedStatuses: ['入荷済', 'キャンセル'],
  timeZone: 'Asia/Tokyo',
};

export const EMPTY_RECORDED: RecordedOutcome = {
  status: '',
  orderNumber: '',
  orderedAt: '',
  reason: '',
};

/** The shared example: 在庫数 18, 発注点 20, 最大在庫 100, 入数 12, 最小発注数 24, lead 3. */
export function buildItem(overrides: Partial<ItemSnapshot> = {}): ItemSnapshot {
  return {
    appId: '42',
    recordId: '7',
    revision: 5,
    sku: 'BOLT-M8',
    name: '六角ボルト M8',
    unit: '本',
    onHand: 18,
    reorderPoint: 20,
    maxStock: 100,
    packSize: 12,
    minimumOrder: 24,
    leadTimeDays: 3,
    supplier: { code: 'S-01', name: '山田金物', email: 'order@yamada.example' },
    recorded: EMPTY_RECORDED,
    ...overrides,
  };
}

export function buildInput(
  overrides: {
    item?: Partial<ItemSnapshot>;
    mapped?: MappedItem;
    state?: ItemAlertState;
    notification?: NotificationRef;
    policy?: ReorderPolicy;
    now?: Date;
  } = {},
): ReorderInput {
  return {
    mapped: overrides.mapped ?? { ok: true, item: buildItem(overrides.item) },
    state: overrides.state ?? { lastRevision: 4 },
    notification: overrides.notification ?? { id: 'n-5', revision: 5 },
    policy: overrides.policy ?? POLICY,
    now: overrides.now ?? NOW,
  };
}
