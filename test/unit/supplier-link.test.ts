import fc from 'fast-check';
import {
  ORDER_PAGE_PATH,
  orderLinkExpiry,
  orderPageUrl,
  parseOrderLinkToken,
  signOrderLink,
  verifyOrderLink,
} from '../../shared/edge/order-link';
import type { OrderLinkClaims } from '../../shared/domain/supplier-answer';

const KEY = 'test-signing-key-0123456789abcdef';
const NOW = new Date('2026-11-28T02:15:04.123Z');
const CLAIMS: OrderLinkClaims = {
  orderNumber: 'PO-20261128-0001',
  supplier: 'S-001',
  expiresAt: orderLinkExpiry(NOW, 30),
};

/** Replaces one dot-separated part of a token, leaving the rest as signed. */
function withPart(token: string, index: number, value: string): string {
  const parts = token.split('.');
  parts[index] = value;
  return parts.join('.');
}

describe('signOrderLink and verifyOrderLink', () => {
  it('verifies a link it signed and returns its claims', () => {
    // Prepare
    const token = signOrderLink(CLAIMS, KEY);

    // Act
    const result = verifyOrderLink(token, KEY, 'S-001', NOW);

    // Assess
    expect(result).toEqual({ ok: true, claims: CLAIMS });
  });

  it('makes a short URL-safe token that names the order but not the supplier', () => {
    // Act
    const token = signOrderLink(CLAIMS, KEY);

    // Assess
    expect(token).toMatch(/^PO-20261128-0001\.[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
    expect(token).not.toContain('S-001');
    expect(encodeURIComponent(token)).toBe(token);
    expect(parseOrderLinkToken(token)).toEqual({
      orderNumber: CLAIMS.orderNumber,
      expiresAt: CLAIMS.expiresAt,
      signature: token.split('.')[2],
    });
  });

  it('signs the same claims the same way every time (a resent email carries the same link)', () => {
    expect(signOrderLink(CLAIMS, KEY)).toBe(signOrderLink({ ...CLAIMS }, KEY));
  });

  it.each([
    ['another order number', (token: string) => withPart(token, 0, 'PO-20261128-0002')],
    [
      'a later expiry',
      (token: string) => withPart(token, 1, (CLAIMS.expiresAt + 86_400).toString(36)),
    ],
    [
      'a changed signature',
      (token: string) => {
        const signature = token.split('.')[2] ?? '';
        const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
        return withPart(token, 2, flipped);
      },
    ],
  ])('reports a bad signature for %s', (_case, tamper) => {
    // Prepare
    const token = tamper(signOrderLink(CLAIMS, KEY));

    // Act
    const result = verifyOrderLink(token, KEY, 'S-001', NOW);

    // Assess
    expect(result).toEqual({ ok: false, problem: 'bad-signature' });
  });

  it('reports a bad signature when the stored order belongs to another supplier', () => {
    const token = signOrderLink(CLAIMS, KEY);

    expect(verifyOrderLink(token, KEY, 'S-002', NOW)).toEqual({
      ok: false,
      problem: 'bad-signature',
    });
  });

  it('reports a bad signature when the link was signed with another key', () => {
    const token = signOrderLink(CLAIMS, 'an-older-signing-key-0123456789');

    expect(verifyOrderLink(token, KEY, 'S-001', NOW)).toEqual({
      ok: false,
      problem: 'bad-signature',
    });
  });

  it('opens the link until the second before expiresAt and is expired from that second on', () => {
    // Prepare
    const token = signOrderLink(CLAIMS, KEY);
    const boundary = CLAIMS.expiresAt * 1000;

    // Act
    const justBefore = verifyOrderLink(token, KEY, 'S-001', new Date(boundary - 1));
    const atBoundary = verifyOrderLink(token, KEY, 'S-001', new Date(boundary));
    const later = verifyOrderLink(token, KEY, 'S-001', new Date(boundary + 86_400_000));

    // Assess
    expect(justBefore.ok).toBe(true);
    expect(atBoundary).toEqual({ ok: false, problem: 'expired' });
    expect(later).toEqual({ ok: false, problem: 'expired' });
  });

  it('checks the signature before the expiry, so a forged old link is not reported as expired', () => {
    const token = signOrderLink(CLAIMS, 'someone-elses-key-0123456789');
    const afterExpiry = new Date((CLAIMS.expiresAt + 1) * 1000);

    expect(verifyOrderLink(token, KEY, 'S-001', afterExpiry)).toEqual({
      ok: false,
      problem: 'bad-signature',
    });
  });

  it('treats an invalid clock as expired rather than valid', () => {
    const token = signOrderLink(CLAIMS, KEY);

    expect(verifyOrderLink(token, KEY, 'S-001', new Date(Number.NaN))).toEqual({
      ok: false,
      problem: 'expired',
    });
  });

  it('binds a supplier identity containing the separator without ambiguity', () => {
    const token = signOrderLink({ ...CLAIMS, supplier: 'a|b@example.jp' }, KEY);

    expect(verifyOrderLink(token, KEY, 'a|b@example.jp', NOW).ok).toBe(true);
    expect(verifyOrderLink(token, KEY, 'a', NOW).ok).toBe(false);
  });

  it('refuses to sign what could never be verified, and an empty key', () => {
    expect(() => signOrderLink({ ...CLAIMS, orderNumber: 'po-1' }, KEY)).toThrow(RangeError);
    expect(() => signOrderLink({ ...CLAIMS, orderNumber: 'PO.1' }, KEY)).toThrow(RangeError);
    expect(() => signOrderLink({ ...CLAIMS, orderNumber: 'P'.repeat(41) }, KEY)).toThrow(
      RangeError,
    );
    expect(() => signOrderLink({ ...CLAIMS, expiresAt: 1.5 }, KEY)).toThrow(RangeError);
    expect(() => signOrderLink({ ...CLAIMS, expiresAt: 0 }, KEY)).toThrow(RangeError);
    expect(() => signOrderLink(CLAIMS, '')).toThrow(/signingKey/);
    expect(() => verifyOrderLink(signOrderLink(CLAIMS, KEY), '', 'S-001', NOW)).toThrow(RangeError);
  });
});

describe('parseOrderLinkToken', () => {
  const signature = 'A'.repeat(22);

  it.each([
    ['empty', ''],
    ['no parts', 'PO-1'],
    ['lower-case order number', `po-1.tqhdog.${signature}`],
    ['order number with a slash', `PO/1.tqhdog.${signature}`],
    ['order number too long', `${'P'.repeat(41)}.tqhdog.${signature}`],
    ['expiry with a leading zero', `PO-1.0tqhdog.${signature}`],
    ['expiry zero', `PO-1.0.${signature}`],
    ['expiry in upper case', `PO-1.TQHDOG.${signature}`],
    ['short signature', `PO-1.tqhdog.${'A'.repeat(21)}`],
    ['long signature', `PO-1.tqhdog.${'A'.repeat(23)}`],
    ['padding in the signature', `PO-1.tqhdog.${'A'.repeat(21)}=`],
    ['a fourth part', `PO-1.tqhdog.${signature}.x`],
    ['surrounding space', ` PO-1.tqhdog.${signature}`],
    ['a trailing newline', `PO-1.tqhdog.${signature}\n`],
    ['an encoded dot', `PO-1%2Etqhdog.${signature}`],
  ])('rejects %s', (_case, token) => {
    expect(parseOrderLinkToken(token)).toBeUndefined();
    expect(verifyOrderLink(token, KEY, 'S-001', NOW)).toEqual({ ok: false, problem: 'malformed' });
  });

  it('accepts the longest order number', () => {
    const orderNumber = 'P'.repeat(40);
    const token = signOrderLink({ ...CLAIMS, orderNumber }, KEY);

    expect(parseOrderLinkToken(token)?.orderNumber).toBe(orderNumber);
    expect(verifyOrderLink(token, KEY, 'S-001', NOW).ok).toBe(true);
  });
});

describe('orderLinkExpiry and orderPageUrl', () => {
  it('adds whole days to the current second', () => {
    expect(orderLinkExpiry(new Date('2026-11-28T00:00:00.999Z'), 30)).toBe(
      Date.parse('2026-12-28T00:00:00Z') / 1000,
    );
  });

  it('rejects a non-positive or fractional time to live and an invalid clock', () => {
    expect(() => orderLinkExpiry(NOW, 0)).toThrow(RangeError);
    expect(() => orderLinkExpiry(NOW, 1.5)).toThrow(RangeError);
    expect(() => orderLinkExpiry(new Date(Number.NaN), 30)).toThrow(RangeError);
  });

  it('joins the base URL and the token under /o/, with or without a trailing slash', () => {
    expect(ORDER_PAGE_PATH).toBe('/o/');
    expect(orderPageUrl('https://bridge.example.jp', 'PO-1.x.y')).toBe(
      'https://bridge.example.jp/o/PO-1.x.y',
    );
    expect(orderPageUrl('https://bridge.example.jp/prod/', 'PO-1.x.y')).toBe(
      'https://bridge.example.jp/prod/o/PO-1.x.y',
    );
  });
});

describe('order link properties', () => {
  const orderNumber = fc.stringMatching(/^[A-Z0-9-]{1,40}$/);
  const supplier = fc.string({ minLength: 1, maxLength: 60 });
  const expiresAt = fc.integer({ min: 1, max: 4_102_444_800 });
  /** Strings near the token's shape, which reach deeper into the parser than random text. */
  const tokenish = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc
      .tuple(orderNumber, fc.string({ maxLength: 12 }), fc.string({ maxLength: 30 }))
      .map((parts) => parts.join('.')),
    fc.string({ maxLength: 5000 }),
  );

  it('never throws while parsing or verifying any string', () => {
    fc.assert(
      fc.property(tokenish, supplier, (token, who) => {
        parseOrderLinkToken(token);
        const result = verifyOrderLink(token, KEY, who, NOW);
        expect(result.ok).toBe(false);
      }),
    );
  });

  it('never verifies a token signed for one order as another order', () => {
    fc.assert(
      fc.property(orderNumber, orderNumber, supplier, expiresAt, (first, second, who, expiry) => {
        fc.pre(first !== second);
        const token = signOrderLink({ orderNumber: first, supplier: who, expiresAt: expiry }, KEY);
        const moved = withPart(token, 0, second);
        const result = verifyOrderLink(moved, KEY, who, new Date(0));
        expect(result).toEqual({ ok: false, problem: 'bad-signature' });
      }),
    );
  });

  it('round-trips any valid claims', () => {
    fc.assert(
      fc.property(orderNumber, supplier, expiresAt, (number, who, expiry) => {
        const claims = { orderNumber: number, supplier: who, expiresAt: expiry };
        const token = signOrderLink(claims, KEY);
        expect(verifyOrderLink(token, KEY, who, new Date(0))).toEqual({ ok: true, claims });
      }),
    );
  });
});
