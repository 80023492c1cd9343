import { WebhookTokenVerifier } from '../../shared/edge/token-verifier';

const CURRENT_12 = 'k7Qm2vX9pLs4Tn8Rz1Wy6Bc3Hd5Fg0Jq';
const NEXT_12 = 'Zp3Lw8Nc1Vx6Qr4Tb9Ms2Kd7Hf5Gj0Ya';
const TOKEN_15 = 'Rb6Tn2Wq9Lx4Vz7Mc1Pk8Hs3Df5Gy0Ja';

function verifier(): WebhookTokenVerifier {
  return new WebhookTokenVerifier([
    { appId: '12', tokens: [CURRENT_12, NEXT_12] },
    { appId: '15', tokens: [TOKEN_15] },
  ]);
}

describe('WebhookTokenVerifier', () => {
  it.each([CURRENT_12, NEXT_12])('accepts either rotation token of app 12 (%#)', (token) => {
    // Act
    const apps = verifier().appsFor(token);

    // Assess
    expect([...apps]).toEqual(['12']);
  });

  it('does not accept the token of app 15 for app 12, nor the other way round', () => {
    // Act
    const for15 = verifier().appsFor(TOKEN_15);
    const for12 = verifier().appsFor(CURRENT_12);

    // Assess
    expect([...for15]).toEqual(['15']);
    expect(for15.has('12')).toBe(false);
    expect(for12.has('15')).toBe(false);
  });

  it.each([
    ['a wrong token', 'not-the-token-at-all-0123456789'],
    ['the empty string', ''],
    ['undefined', undefined],
    ['a token with a trailing space', `${CURRENT_12} `],
    ['a token in another case', CURRENT_12.toLowerCase()],
    ['a prefix of the token', CURRENT_12.slice(0, -1)],
    ['the token repeated', CURRENT_12 + CURRENT_12],
    ['both tokens joined by a comma', `${CURRENT_12},${NEXT_12}`],
  ])('accepts %s for no app', (_case, token) => {
    // Act
    const apps = verifier().appsFor(token);

    // Assess
    expect(apps.size).toBe(0);
  });

  it('accepts nothing when no app is configured', () => {
    // Act
    const apps = new WebhookTokenVerifier([]).appsFor(CURRENT_12);

    // Assess
    expect(apps.size).toBe(0);
  });

  it('accepts a token shared by two apps for both', () => {
    // Prepare
    const shared = new WebhookTokenVerifier([
      { appId: '12', tokens: [CURRENT_12] },
      { appId: '15', tokens: [CURRENT_12] },
    ]);

    // Act
    const apps = shared.appsFor(CURRENT_12);

    // Assess
    expect([...apps].sort()).toEqual(['12', '15']);
  });

  it('never accepts an empty token, even if one were configured', () => {
    // Prepare
    const misconfigured = new WebhookTokenVerifier([{ appId: '12', tokens: [''] }]);

    // Act
    const forEmpty = misconfigured.appsFor('');
    const forUndefined = misconfigured.appsFor(undefined);

    // Assess
    expect(forEmpty.size).toBe(0);
    expect(forUndefined.size).toBe(0);
  });
});
