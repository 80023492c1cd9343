import fc from 'fast-check';
import { answerComment, answerStatus, sameAnswer } from '../../shared/supplier/answer-outcome';
import { parseAnswerForm, type AnswerFormContext } from '../../shared/supplier/parse-answer';
import { pageText } from '../../shared/supplier/page-text';
import type { SupplierAnswer } from '../../shared/supplier/supplier-answer';

const CONTEXT: AnswerFormContext = { orderedQuantity: 84, today: '2026-11-28', lang: 'ja' };
const JA = pageText('ja').errors;
const EN = pageText('en').errors;

describe('parseAnswerForm', () => {
  it('reads a confirmation with its delivery date and ignores the other fields', () => {
    // Act
    const result = parseAnswerForm(
      {
        action: 'confirm',
        deliveryDate: '2026-12-03',
        quantity: 'not a number',
        reason: '',
        nonce: 'n',
        extra: 'ignored',
      },
      CONTEXT,
    );

    // Assess
    expect(result).toEqual({
      ok: true,
      answer: { kind: 'confirmed', deliveryDate: '2026-12-03' },
    });
  });

  it('reads a partial answer with full-width digits', () => {
    const result = parseAnswerForm(
      {
        action: 'partial',
        partialDeliveryDate: '２０２６－１２－０３',
        quantity: '４８',
        note: '  残りは12月10日に納品します  ',
      },
      CONTEXT,
    );

    expect(result).toEqual({
      ok: true,
      answer: {
        kind: 'partial',
        deliveryDate: '2026-12-03',
        quantity: 48,
        note: '残りは12月10日に納品します',
      },
    });
  });

  it('reads a decline with its reason', () => {
    const result = parseAnswerForm({ action: 'decline', reason: '廃番のため' }, CONTEXT);

    expect(result).toEqual({ ok: true, answer: { kind: 'declined', reason: '廃番のため' } });
  });

  it.each([
    ['2026/12/3', '2026-12-03'],
    ['2026年12月3日', '2026-12-03'],
    ['２０２６年１２月３日', '2026-12-03'],
    [' 2026-12-03 ', '2026-12-03'],
  ])('accepts the delivery date written %p', (typed, date) => {
    const result = parseAnswerForm({ action: 'confirm', deliveryDate: typed }, CONTEXT);

    expect(result).toEqual({ ok: true, answer: { kind: 'confirmed', deliveryDate: date } });
  });

  it.each([
    ['', JA.deliveryDateRequired],
    ['   ', JA.deliveryDateRequired],
    ['2026-02-30', JA.deliveryDateInvalid],
    ['12/03', JA.deliveryDateInvalid],
    ['tomorrow', JA.deliveryDateInvalid],
    ['2026-11-27', JA.deliveryDatePast],
    ['2027-11-29', JA.deliveryDateTooFar(365)],
  ])('rejects the delivery date %p', (typed, message) => {
    const result = parseAnswerForm({ action: 'confirm', deliveryDate: typed }, CONTEXT);

    expect(result).toEqual({ ok: false, errors: [{ field: 'deliveryDate', message }] });
  });

  it('accepts today and the date 365 days ahead', () => {
    expect(parseAnswerForm({ action: 'confirm', deliveryDate: '2026-11-28' }, CONTEXT).ok).toBe(
      true,
    );
    expect(parseAnswerForm({ action: 'confirm', deliveryDate: '2027-11-28' }, CONTEXT).ok).toBe(
      true,
    );
  });

  it('takes the date under the other answer when only that one was filled in', () => {
    const partial = parseAnswerForm(
      { action: 'partial', deliveryDate: '2026-12-03', quantity: '48', note: '残りは来月' },
      CONTEXT,
    );
    const confirm = parseAnswerForm(
      { action: 'confirm', deliveryDate: '', partialDeliveryDate: '2026-12-04' },
      CONTEXT,
    );

    expect(partial.ok && partial.answer).toMatchObject({ deliveryDate: '2026-12-03' });
    expect(confirm.ok && confirm.answer).toEqual({
      kind: 'confirmed',
      deliveryDate: '2026-12-04',
    });
  });

  it('requires a choice, in the page language', () => {
    expect(parseAnswerForm({}, CONTEXT)).toEqual({
      ok: false,
      errors: [{ field: 'action', message: JA.actionRequired }],
    });
    expect(parseAnswerForm({ action: 'accept' }, { ...CONTEXT, lang: 'en' })).toEqual({
      ok: false,
      errors: [{ field: 'action', message: EN.actionRequired }],
    });
  });

  it.each([
    ['', JA.quantityRequired],
    ['abc', JA.quantityInvalid(6)],
    ['1e1', JA.quantityInvalid(6)],
    ['0x10', JA.quantityInvalid(6)],
    ['Infinity', JA.quantityInvalid(6)],
    ['1.1234567', JA.quantityInvalid(6)],
    ['0', JA.quantityNotPositive],
    ['-5', JA.quantityNotPositive],
    ['84', JA.quantityNotLess('84')],
    ['８４', JA.quantityNotLess('84')],
    ['100', JA.quantityNotLess('84')],
  ])('rejects the partial quantity %p', (typed, message) => {
    const result = parseAnswerForm(
      { action: 'partial', partialDeliveryDate: '2026-12-03', quantity: typed, note: '残りは来月' },
      CONTEXT,
    );

    expect(result).toEqual({ ok: false, errors: [{ field: 'quantity', message }] });
  });

  it.each([
    ['48', 48],
    ['1,000', 1000],
    ['12.5', 12.5],
    ['0.123456', 0.123456],
    ['８３．５', 83.5],
  ])('accepts the partial quantity %p', (typed, quantity) => {
    const result = parseAnswerForm(
      { action: 'partial', partialDeliveryDate: '2026-12-03', quantity: typed, note: '残りは来月' },
      { ...CONTEXT, orderedQuantity: 1200 },
    );

    expect(result.ok && result.answer).toMatchObject({ kind: 'partial', quantity });
  });

  it('requires a note of at most 500 characters for a partial answer', () => {
    const partial = (note: string) =>
      parseAnswerForm(
        { action: 'partial', partialDeliveryDate: '2026-12-03', quantity: '48', note },
        CONTEXT,
      );

    expect(partial(' \n ')).toEqual({
      ok: false,
      errors: [{ field: 'note', message: JA.noteRequired }],
    });
    expect(partial('あ'.repeat(501))).toEqual({
      ok: false,
      errors: [{ field: 'note', message: JA.noteTooLong(500) }],
    });
    expect(partial('あ'.repeat(500)).ok).toBe(true);
  });

  it('requires a reason of at most 500 characters to decline', () => {
    expect(parseAnswerForm({ action: 'decline' }, CONTEXT)).toEqual({
      ok: false,
      errors: [{ field: 'reason', message: JA.reasonRequired }],
    });
    expect(parseAnswerForm({ action: 'decline', reason: 'x'.repeat(501) }, CONTEXT)).toEqual({
      ok: false,
      errors: [{ field: 'reason', message: JA.reasonTooLong(500) }],
    });
  });

  it('lists every problem of a partial answer, one per field, in form order', () => {
    const result = parseAnswerForm({ action: 'partial' }, { ...CONTEXT, lang: 'en' });

    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'partialDeliveryDate', message: EN.deliveryDateRequired },
        { field: 'quantity', message: EN.quantityRequired },
        { field: 'note', message: EN.noteRequired },
      ],
    });
  });

  it('strips control characters, keeps line breaks in notes and trims', () => {
    const result = parseAnswerForm(
      {
        action: 'partial',
        partialDeliveryDate: '2026-12-03\u0000',
        quantity: '\t48\u0008 ',
        note: '\u0007残りは\r\n来月\u202eです\u0085以上\t!',
      },
      CONTEXT,
    );

    expect(result).toEqual({
      ok: true,
      answer: {
        kind: 'partial',
        deliveryDate: '2026-12-03',
        quantity: 48,
        note: '残りは\n来月です\n以上 !',
      },
    });
  });

  it('reads only the form fields themselves, not inherited properties', () => {
    const fields = Object.create({ action: 'decline', reason: 'inherited' }) as Record<
      string,
      string
    >;

    expect(parseAnswerForm(fields, CONTEXT).ok).toBe(false);
  });

  it('never throws on any posted fields', () => {
    const field = fc.oneof(fc.string(), fc.constantFrom('confirm', 'partial', 'decline'));
    fc.assert(
      fc.property(
        fc.record({
          action: field,
          deliveryDate: field,
          partialDeliveryDate: field,
          quantity: field,
          note: field,
          reason: field,
        }),
        (fields) => {
          const result = parseAnswerForm(fields, CONTEXT);
          if (!result.ok) expect(result.errors.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});

const STATUSES = { confirmed: '受注確認済', partial: '一部受注', declined: '辞退' };

describe('answerStatus', () => {
  it.each<{ answer: SupplierAnswer; status: string }>([
    { answer: { kind: 'confirmed', deliveryDate: '2026-12-03' }, status: '受注確認済' },
    {
      answer: { kind: 'partial', deliveryDate: '2026-12-03', quantity: 48, note: 'x' },
      status: '一部受注',
    },
    { answer: { kind: 'declined', reason: 'x' }, status: '辞退' },
  ])('writes a $answer.kind answer as $status', ({ answer, status }) => {
    expect(answerStatus(answer, STATUSES)).toBe(status);
  });
});

describe('answerComment', () => {
  const order = 'PO-20261128-0001';
  const supplier = '株式会社サンプル文具';

  it('says who confirmed which order and the delivery date', () => {
    expect(answerComment(order, supplier, { kind: 'confirmed', deliveryDate: '2026-12-03' })).toBe(
      '仕入先 株式会社サンプル文具 様が発注依頼 PO-20261128-0001 を受注しました。\n納品予定日: 2026-12-03',
    );
  });

  it('gives the quantity with its unit, the date and the note of a partial answer', () => {
    const answer: SupplierAnswer = {
      kind: 'partial',
      deliveryDate: '2026-12-03',
      quantity: 48,
      note: '残りは12月10日に納品します',
    };

    expect(answerComment(order, supplier, answer, undefined, '本')).toBe(
      [
        '仕入先 株式会社サンプル文具 様が発注依頼 PO-20261128-0001 を一部のみ受注しました。',
        '数量: 48本',
        '納品予定日: 2026-12-03',
        '備考: 残りは12月10日に納品します',
      ].join('\n'),
    );
  });

  it('gives the reason of a decline and does not double an honorific', () => {
    expect(
      answerComment(order, 'サンプル商店 御中', { kind: 'declined', reason: '廃番のため' }),
    ).toBe(
      '仕入先 サンプル商店 御中が発注依頼 PO-20261128-0001 を辞退しました。\n理由: 廃番のため',
    );
  });

  it('says the answer changed and what it was before', () => {
    const previous: SupplierAnswer = {
      kind: 'partial',
      deliveryDate: '2026-12-03',
      quantity: 1200.5,
      note: '残りは\n来月',
    };

    const comment = answerComment(
      order,
      supplier,
      { kind: 'declined', reason: '在庫切れ' },
      previous,
      'kg',
    );

    expect(comment).toBe(
      [
        '回答が変更されました。仕入先 株式会社サンプル文具 様が発注依頼 PO-20261128-0001 を辞退しました。',
        '理由: 在庫切れ',
        '変更前の回答: 一部受注（数量: 1,200.5kg、納品予定日: 2026-12-03、備考: 残りは / 来月）',
      ].join('\n'),
    );
  });

  it('summarises an earlier confirmation and decline', () => {
    const later: SupplierAnswer = { kind: 'confirmed', deliveryDate: '2026-12-05', note: '午前着' };

    expect(
      answerComment(order, supplier, later, { kind: 'confirmed', deliveryDate: '2026-12-03' }),
    ).toMatch(/備考: 午前着\n変更前の回答: 受注（納品予定日: 2026-12-03）$/);
    expect(answerComment(order, supplier, later, { kind: 'declined', reason: '欠品' })).toMatch(
      /変更前の回答: 辞退（理由: 欠品）$/,
    );
  });
});

describe('sameAnswer', () => {
  const partial: SupplierAnswer = {
    kind: 'partial',
    deliveryDate: '2026-12-03',
    quantity: 48,
    note: '残りは来月',
  };

  it('treats a repeated submission as the same answer', () => {
    expect(sameAnswer(partial, { ...partial })).toBe(true);
    expect(
      sameAnswer(
        { kind: 'confirmed', deliveryDate: '2026-12-03' },
        { kind: 'confirmed', deliveryDate: '2026-12-03', note: '' },
      ),
    ).toBe(true);
    expect(sameAnswer({ kind: 'declined', reason: 'x' }, { kind: 'declined', reason: 'x' })).toBe(
      true,
    );
  });

  it('sees any change of kind, date, quantity, note or reason', () => {
    expect(sameAnswer(partial, { ...partial, deliveryDate: '2026-12-04' })).toBe(false);
    expect(sameAnswer(partial, { ...partial, quantity: 47 })).toBe(false);
    expect(sameAnswer(partial, { ...partial, note: '残りは再来月' })).toBe(false);
    expect(sameAnswer(partial, { kind: 'confirmed', deliveryDate: '2026-12-03' })).toBe(false);
    expect(sameAnswer({ kind: 'declined', reason: 'x' }, { kind: 'declined', reason: 'y' })).toBe(
      false,
    );
  });

  it('is reflexive and symmetric', () => {
    const answer: fc.Arbitrary<SupplierAnswer> = fc.oneof(
      fc.record(
        { kind: fc.constant('confirmed' as const), deliveryDate: fc.string(), note: fc.string() },
        { requiredKeys: ['kind', 'deliveryDate'] },
      ),
      fc.record({
        kind: fc.constant('partial' as const),
        deliveryDate: fc.constantFrom('2026-12-03', '2026-12-04'),
        quantity: fc.integer({ min: 1, max: 3 }),
        note: fc.constantFrom('a', 'b'),
      }),
      fc.record({ kind: fc.constant('declined' as const), reason: fc.constantFrom('a', 'b') }),
    );
    fc.assert(
      fc.property(answer, answer, (a, b) => {
        expect(sameAnswer(a, a)).toBe(true);
        expect(sameAnswer(a, b)).toBe(sameAnswer(b, a));
      }),
    );
  });
});
