import fc from 'fast-check';
import type { OrderLine } from '../../shared/domain/order';
import { answerComment, answerStatus, sameAnswer } from '../../shared/domain/answer-outcome';
import { parseAnswerForm, type AnswerFormContext } from '../../shared/documents/order-page-form';
import { pageText } from '../../shared/documents/page-text';
import { lineOutcome, type SupplierAnswer } from '../../shared/domain/supplier-answer';

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

/** Two rows of one supplier ordered together (the subtable fixture's B-200 and B-201). */
const LINES: OrderLine[] = [
  { sku: 'B-200', name: 'コピー用紙 A4 500枚', quantity: 20, unit: '個', rowId: '368' },
  { sku: 'B-201', name: 'トナー TN-29J', quantity: 3, unit: '個', rowId: '369' },
];
const MULTI: AnswerFormContext = { ...CONTEXT, lines: LINES };
const B200 = 'B-200 コピー用紙 A4 500枚';
const B201 = 'B-201 トナー TN-29J';

/** A partial answer to the two-line order with the given line quantities. */
function partialLines(
  first: string | undefined,
  second: string | undefined,
  context: AnswerFormContext = MULTI,
) {
  return parseAnswerForm(
    {
      action: 'partial',
      partialDeliveryDate: '2026-12-03',
      ...(first !== undefined ? { 'quantity-1': first } : {}),
      ...(second !== undefined ? { 'quantity-2': second } : {}),
      note: 'トナーは来月入荷します',
    },
    context,
  );
}

describe('parseAnswerForm: a partial answer to an order with several lines', () => {
  it('reads a quantity per line, with the line SKUs and rows, in full-width digits too', () => {
    // Act
    const result = partialLines('２０', '１');

    // Assess
    expect(result).toEqual({
      ok: true,
      answer: {
        kind: 'partial',
        deliveryDate: '2026-12-03',
        lines: [
          { sku: 'B-200', rowId: '368', quantity: 20 },
          { sku: 'B-201', rowId: '369', quantity: 1 },
        ],
        note: 'トナーは来月入荷します',
      },
    });
  });

  it('takes 0 for a line that cannot be delivered, and the single quantity field not at all', () => {
    const result = parseAnswerForm(
      {
        action: 'partial',
        partialDeliveryDate: '2026-12-03',
        quantity: '5',
        'quantity-1': ' 15 ',
        'quantity-2': '０',
        note: 'トナーは廃番です',
      },
      MULTI,
    );

    expect(result.ok && result.answer).toEqual({
      kind: 'partial',
      deliveryDate: '2026-12-03',
      lines: [
        { sku: 'B-200', rowId: '368', quantity: 15 },
        { sku: 'B-201', rowId: '369', quantity: 0 },
      ],
      note: 'トナーは廃番です',
    });
  });

  it('accepts decimals and grouped digits up to the ordered quantity', () => {
    const lines: OrderLine[] = [
      { sku: 'K-1', name: '塩', quantity: 1200.5, unit: 'kg' },
      { sku: 'K-2', name: '砂糖', quantity: 10, unit: 'kg' },
    ];

    const result = partialLines('1,200.5', '２．２５', { ...CONTEXT, lines });

    // Lines without rows carry no rowId.
    expect(result.ok && result.answer).toMatchObject({
      lines: [
        { sku: 'K-1', quantity: 1200.5 },
        { sku: 'K-2', quantity: 2.25 },
      ],
    });
    expect(result.ok && 'lines' in result.answer && result.answer.lines[0]).not.toHaveProperty(
      'rowId',
    );
  });

  it.each([
    ['', JA.lineQuantityRequired(B200)],
    [undefined, JA.lineQuantityRequired(B200)],
    ['abc', JA.lineQuantityInvalid(B200, 6)],
    ['1e1', JA.lineQuantityInvalid(B200, 6)],
    ['1.1234567', JA.lineQuantityInvalid(B200, 6)],
    ['-1', JA.lineQuantityNegative(B200)],
    ['－１', JA.lineQuantityNegative(B200)],
    ['21', JA.lineQuantityTooMany(B200, '20個')],
    ['２１', JA.lineQuantityTooMany(B200, '20個')],
  ])('rejects the first line quantity %p', (typed, message) => {
    expect(partialLines(typed, '1')).toEqual({
      ok: false,
      errors: [{ field: 'quantity-1', message }],
    });
  });

  it('says so when every line is at its ordered quantity: that is a confirmation', () => {
    expect(partialLines('20', '３')).toEqual({
      ok: false,
      errors: [{ field: 'lineQuantities', message: JA.lineQuantitiesAllFull }],
    });
  });

  it('says so when every line is 0: that is a decline', () => {
    expect(partialLines('0', '-0')).toEqual({
      ok: false,
      errors: [{ field: 'lineQuantities', message: JA.lineQuantitiesAllZero }],
    });
  });

  it('judges the lines together only once every line is readable', () => {
    expect(partialLines('20', '4')).toEqual({
      ok: false,
      errors: [{ field: 'quantity-2', message: JA.lineQuantityTooMany(B201, '3個') }],
    });
  });

  it('lists every problem in form order, in the page language', () => {
    const result = parseAnswerForm({ action: 'partial' }, { ...MULTI, lang: 'en' });

    expect(result).toEqual({
      ok: false,
      errors: [
        { field: 'partialDeliveryDate', message: EN.deliveryDateRequired },
        { field: 'quantity-1', message: EN.lineQuantityRequired(B200) },
        { field: 'quantity-2', message: EN.lineQuantityRequired(B201) },
        { field: 'note', message: EN.noteRequired },
      ],
    });
  });

  it('puts the message about the lines together between the date and the note', () => {
    const result = parseAnswerForm(
      { action: 'partial', 'quantity-1': '0', 'quantity-2': '0', note: '' },
      MULTI,
    );

    expect(result.ok ? [] : result.errors.map((error) => error.field)).toEqual([
      'partialDeliveryDate',
      'lineQuantities',
      'note',
    ]);
  });

  it('treats an order with one line as before: one quantity below the ordered one', () => {
    const result = parseAnswerForm(
      { action: 'partial', partialDeliveryDate: '2026-12-03', quantity: '48', note: '残り来月' },
      { ...CONTEXT, lines: [{ sku: 'A-100', name: 'ボールペン', quantity: 84, unit: '本' }] },
    );

    expect(result.ok && result.answer).toEqual({
      kind: 'partial',
      deliveryDate: '2026-12-03',
      quantity: 48,
      note: '残り来月',
    });
  });

  it('never throws on any posted line quantities, and answers only within the ordered ones', () => {
    const typed = fc.oneof(
      fc.string(),
      fc.double({ noNaN: true }).map(String),
      fc.integer({ min: -2, max: 25 }).map(String),
    );
    fc.assert(
      fc.property(typed, typed, (first, second) => {
        const result = partialLines(first, second);
        if (!result.ok) {
          expect(result.errors.length).toBeGreaterThan(0);
          return;
        }
        if (!('lines' in result.answer)) throw new Error('expected a quantity per line');
        const quantities = result.answer.lines.map((line) => line.quantity);
        quantities.forEach((quantity, index) => {
          expect(quantity).toBeGreaterThanOrEqual(0);
          expect(quantity).toBeLessThanOrEqual(LINES[index]?.quantity ?? 0);
        });
        expect(quantities).not.toEqual([20, 3]);
        expect(quantities).not.toEqual([0, 0]);
      }),
    );
  });
});

describe('a partial answer with a quantity per line', () => {
  const order = 'PO-20261129-0001';
  const supplier = '紙の山田商店';
  const answer: SupplierAnswer = {
    kind: 'partial',
    deliveryDate: '2026-12-03',
    lines: [
      { sku: 'B-200', rowId: '368', quantity: 12.5 },
      { sku: 'B-201', rowId: '369', quantity: 0 },
    ],
    note: 'トナーは廃番です',
  };

  it('is written as 一部受注 on the record, and each line as what it amounts to', () => {
    expect(answerStatus(answer, STATUSES)).toBe('一部受注');
    expect(lineOutcome(20, 20)).toBe('confirmed');
    expect(lineOutcome(12.5, 20)).toBe('partial');
    expect(lineOutcome(0, 20)).toBe('declined');
  });

  it('lists each line with its answered and ordered quantity and unit in the comment', () => {
    expect(answerComment(order, supplier, answer, undefined, LINES)).toBe(
      [
        '仕入先 紙の山田商店 様が発注依頼 PO-20261129-0001 を一部のみ受注しました。',
        '数量:',
        '・B-200 コピー用紙 A4 500枚: 12.5個（発注 20個）',
        '・B-201 トナー TN-29J: 0個（発注 3個）',
        '納品予定日: 2026-12-03',
        '備考: トナーは廃番です',
      ].join('\n'),
    );
  });

  it('finds each line by its row, whatever the order of the lines', () => {
    const comment = answerComment(order, supplier, answer, undefined, [...LINES].reverse());

    expect(comment).toContain('・B-200 コピー用紙 A4 500枚: 12.5個（発注 20個）');
  });

  it('summarises the quantities per line when it is the earlier answer', () => {
    const comment = answerComment(
      order,
      supplier,
      { kind: 'confirmed', deliveryDate: '2026-12-05' },
      answer,
      LINES,
    );

    expect(comment.split('\n').at(-1)).toBe(
      '変更前の回答: 一部受注（数量: B-200 12.5個・B-201 0個、納品予定日: 2026-12-03、備考: トナーは廃番です）',
    );
  });

  it('is the same answer only when every line quantity is the same', () => {
    const again = structuredClone(answer);
    const other = structuredClone(answer);
    if ('lines' in other && other.lines[1]) other.lines[1].quantity = 1;

    expect(sameAnswer(answer, again)).toBe(true);
    expect(sameAnswer(answer, other)).toBe(false);
    expect(sameAnswer(answer, { ...answer, lines: answer.lines.slice(0, 1) })).toBe(false);
    expect(
      sameAnswer(answer, {
        kind: 'partial',
        deliveryDate: '2026-12-03',
        quantity: 12.5,
        note: 'トナーは廃番です',
      }),
    ).toBe(false);
  });

  it('compares as the same answer reflexively and symmetrically, one quantity or per line', () => {
    const quantity = fc.constantFrom(0, 1, 2);
    const partial: fc.Arbitrary<SupplierAnswer> = fc.oneof(
      fc.record({
        kind: fc.constant('partial' as const),
        deliveryDate: fc.constant('2026-12-03'),
        quantity,
        note: fc.constant('a'),
      }),
      fc.record({
        kind: fc.constant('partial' as const),
        deliveryDate: fc.constant('2026-12-03'),
        lines: fc.array(
          fc.record(
            { sku: fc.constantFrom('B-200', 'B-201'), rowId: fc.constantFrom('368'), quantity },
            { requiredKeys: ['sku', 'quantity'] },
          ),
          { minLength: 1, maxLength: 3 },
        ),
        note: fc.constant('a'),
      }),
    );
    fc.assert(
      fc.property(partial, partial, (a, b) => {
        expect(sameAnswer(a, structuredClone(a))).toBe(true);
        expect(sameAnswer(a, b)).toBe(sameAnswer(b, a));
      }),
    );
  });
});
