import fc from 'fast-check';
import { normalizeFaxNumber } from '../../shared/edge/fax-number';

describe('normalizeFaxNumber', () => {
  it.each([
    ['03-1234-5678', '+81312345678', '0312345678'],
    ['0312345678', '+81312345678', '0312345678'],
    ['03(1234)5678', '+81312345678', '0312345678'],
    ['03 1234 5678', '+81312345678', '0312345678'],
    ['+81 3-1234-5678', '+81312345678', '0312345678'],
    ['０３－１２３４－５６７８', '+81312345678', '0312345678'],
    ['０３ー１２３４ー５６７８', '+81312345678', '0312345678'],
    ['　06‐6123‐4567　', '+81661234567', '0661234567'],
    ['0466-12-3456', '+81466123456', '0466123456'],
    ['090-1234-5678', '+819012345678', '09012345678'],
    ['+1 212 555 1234', '+12125551234', '2125551234'],
  ])('normalises %j', (raw, e164, national) => {
    // Act
    const result = normalizeFaxNumber(raw);

    // Assess
    expect(result).toEqual({ ok: true, e164, national });
  });

  it.each([
    ['03-1234', 'FAX番号が正しくありません ("03-1234")'],
    ['0312345678901', 'FAX番号が正しくありません ("0312345678901")'],
    ['0000000000', 'FAX番号が正しくありません ("0000000000")'],
    ['', 'FAX番号が入力されていません'],
    ['　', 'FAX番号が入力されていません'],
    ['FAX 03-1234-5678', 'FAX番号に数字とハイフン以外の文字が含まれています ("FAX 03-1234-5678")'],
    [
      '03-1234-5678 内線12',
      'FAX番号に数字とハイフン以外の文字が含まれています ("03-1234-5678 内線12")',
    ],
    ['03-1234-5678+1', 'FAX番号に数字とハイフン以外の文字が含まれています ("03-1234-5678+1")'],
  ])('rejects %j with a reason for the operator', (raw, reason) => {
    expect(normalizeFaxNumber(raw)).toEqual({ ok: false, reason });
  });

  it('keeps control characters and long pastes out of the reason', () => {
    // Act
    const result = normalizeFaxNumber(`03-1234\r\n${'x'.repeat(100)}`);

    // Assess
    expect(result.ok).toBe(false);
    const reason = result.ok ? '' : result.reason;
    expect(reason).not.toMatch(/[\r\n]/);
    expect(reason.length).toBeLessThan(100);
  });

  it('reads every mix of full-width and half-width Tokyo numbers the same way', () => {
    const toFullWidth = (text: string): string =>
      text
        .replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))
        .replace(/-/g, '－');
    fc.assert(
      fc.property(
        fc.stringMatching(/^[1-9]\d{3}$/),
        fc.stringMatching(/^\d{4}$/),
        fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
        (exchange, line, widths) => {
          const parts = ['03', exchange, line].map((part, i) =>
            widths[i] ? toFullWidth(part) : part,
          );
          const result = normalizeFaxNumber(parts.join(widths[0] ? '－' : '-'));
          expect(result).toEqual({
            ok: true,
            e164: `+813${exchange}${line}`,
            national: `03${exchange}${line}`,
          });
        },
      ),
    );
  });
});
