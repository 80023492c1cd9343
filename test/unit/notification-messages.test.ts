import { notificationSchema } from '../../shared/kintone/notification';

/**
 * The notification schema is written with zod/mini, which loads no locale of its own. This file
 * imports nothing that loads classic zod (not even the config's describeIssues), so the messages below come from
 * shared/edge/zod-mini-messages.ts; without it every issue would read "Invalid input".
 */
describe('notification schema messages (zod/mini)', () => {
  it('names what was expected, in English, as classic zod did', () => {
    // Act
    const parsed = notificationSchema.safeParse({
      id: 'n-1',
      type: 'UPDATE_RECORD',
      app: { id: '12' },
      record: { $id: { type: '', value: '7' }, $revision: { type: '__REVISION__', value: '3' } },
    });

    // Assess
    expect(parsed.success).toBe(false);
    expect(
      parsed.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    ).toEqual([
      'app.name: Invalid input: expected string, received undefined',
      'record.$id.type: Too small: expected string to have >=1 characters',
    ]);
  });
});
