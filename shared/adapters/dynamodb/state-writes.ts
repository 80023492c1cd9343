import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ItemKey } from '../../ports/item-states';
import { itemPk, type BridgeTableOptions } from './bridge-table';
import { updateIfHolds } from './table-io';

/** The sort key of an item's STATE. */
export const STATE_SK = 'STATE';

/**
 * SETs attributes of an item's STATE, creating it at cycle 1 if needed. Returns false when
 * `condition` did not hold (nothing was written). The claim (`onOrder`) is never touched here.
 */
export function updateState(
  table: BridgeTableOptions,
  key: ItemKey,
  update: {
    set: Record<string, unknown>;
    condition?: string;
    conditionValues?: Record<string, unknown>;
  },
): Promise<boolean> {
  const names: Record<string, string> = { '#cycle': 'cycle' };
  const values: Record<string, unknown> = {
    ':one': 1,
    ':appId': key.appId,
    ':recordId': key.recordId,
    ...update.conditionValues,
  };
  const assignments = Object.entries(update.set).map(([field, value], index) => {
    names[`#s${index}`] = field;
    values[`:s${index}`] = value;
    return `#s${index} = :s${index}`;
  });
  return updateIfHolds(
    table.client,
    new UpdateCommand({
      TableName: table.tableName,
      Key: { pk: itemPk(key), sk: STATE_SK },
      UpdateExpression: [
        'SET #cycle = if_not_exists(#cycle, :one), appId = :appId, recordId = :recordId',
        ...assignments,
      ].join(', '),
      ConditionExpression: update.condition,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    }),
  );
}
