import { ConfigError, parseConfig } from '../../shared/config/load-config';
import { learningFor } from '../../shared/config/learning';
import { loadDemoConfigJson } from '../fixtures/kintone-webhooks';

/** config/demo.json with a top-level `learning` block and, optionally, one on app 12. */
function demoWithLearning(
  learning: Record<string, unknown> | undefined,
  appLearning?: Record<string, unknown>,
): Record<string, unknown> {
  const config = loadDemoConfigJson();
  if (learning) config.learning = learning;
  const apps = config.apps as Record<string, unknown>[];
  if (appLearning && apps[0]) apps[0].learning = appLearning;
  return config;
}

function messageOf(raw: unknown): string {
  try {
    parseConfig(raw, 'test.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected parseConfig to throw a ConfigError');
}

describe('learning configuration', () => {
  it('is off without a block, and defaults 95 %, 60 days, 棚卸 as the correction, no overwriting, no shadow', () => {
    // Act
    const off = parseConfig(demoWithLearning(undefined), 'test.json');
    const on = parseConfig(demoWithLearning({ fields: { reorderPoint: '推奨発注点' } }), 'x');

    // Assess
    expect(off.apps.map((app) => learningFor(off, app))).toEqual([undefined, undefined]);
    expect(learningFor(on, on.apps[0]!)).toEqual({
      serviceLevel: 0.95,
      windowDays: 60,
      orderCycleDays: 10,
      fields: { reorderPoint: '推奨発注点' },
      correctionLabels: ['棚卸'],
      overwriteStaffFields: false,
      shadow: false,
    });
  });

  it("an app's own block wins whole over the top-level one", () => {
    const config = parseConfig(
      demoWithLearning({ serviceLevel: 0.9 }, { shadow: true, serviceLevel: 0.99 }),
      'test.json',
    );
    expect(learningFor(config, config.apps[0]!)).toMatchObject({
      shadow: true,
      serviceLevel: 0.99,
    });
    expect(learningFor(config, config.apps[1]!)).toMatchObject({
      shadow: false,
      serviceLevel: 0.9,
    });
  });

  it.each([
    [{ serviceLevel: 1.2 }, 'learning.serviceLevel: serviceLevel must be between 0.5 and 0.9999'],
    [{ windowDays: 5 }, 'learning.windowDays'],
    [
      { fields: { reorderPoint: '発注点' } },
      `learning.fields.reorderPoint: "発注点" is the app's own fields.reorderPoint (発注点)`,
    ],
    [{ fields: { reason: '発注理由' } }, 'already mapped in fields or writeBack'],
    [{ supplierFields: { otifRate: '納期遵守率' } }, 'configure supplierMaster'],
  ])('refuses %j with a message naming the fix', (learning, message) => {
    const raw = demoWithLearning(learning);
    if ('supplierFields' in learning) delete raw.supplierMaster;
    expect(messageOf(raw)).toContain(message);
  });

  it('keeps supplierFields to the top-level block', () => {
    expect(messageOf(demoWithLearning(undefined, { supplierFields: {} }))).toContain(
      'apps[0].learning.supplierFields: supplierFields belong to the top-level learning block',
    );
  });
});
