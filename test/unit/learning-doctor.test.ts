import { demoInventoryApp } from '../../local/kintone/demo-app';
import { parseConfig } from '../../shared/config/load-config';
import { checkAppFields, type FormFieldProperty } from '../../shared/kintone/doctor';
import { demoConfigJson } from '../support/dispatch-harness';

/** The demo inventory app's form as kintone's form API returns it, without `omit`. */
function demoForm(...omit: string[]): Record<string, FormFieldProperty> {
  return Object.fromEntries(
    Object.entries(demoInventoryApp.fields)
      .filter(([code]) => !omit.includes(code))
      .map(([code, field]) => [code, { ...field, code } as FormFieldProperty]),
  );
}

function learningConfig() {
  const raw = demoConfigJson();
  const app = raw.apps.find((candidate) => candidate.appId === '12');
  if (app) {
    app.learning = {
      fields: {
        reorderPoint: '推奨発注点',
        orderUpTo: '推奨最大在庫',
        leadTimeDays: '推定リードタイム',
        reason: '推奨理由',
      },
    };
  }
  const config = parseConfig(raw);
  return { config, app: config.apps.find((candidate) => candidate.appId === '12')! };
}

describe('config doctor: the learning suggestion fields (issue 14)', () => {
  it('finds every configured suggestion field, of a type the bridge can write', () => {
    const { config, app } = learningConfig();
    const findings = checkAppFields(config, app, demoForm());
    const learning = findings.filter((finding) => finding.message.includes('learning.fields'));
    expect(learning.map((finding) => finding.level)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('reports a suggestion field the app lacks, with how to fix it', () => {
    const { config, app } = learningConfig();
    const findings = checkAppFields(config, app, demoForm('推奨発注点'));
    expect(findings).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: '"推奨発注点" (learning.fields.reorderPoint): the app has no field with this code',
        fix: expect.stringContaining('Field code'),
      }),
    );
  });
});
