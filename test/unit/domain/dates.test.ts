import { addDays, isCalendarDate, localDate } from '../../../shared/domain/dates';

describe('localDate', () => {
  it('gives the Tokyo calendar date of an instant', () => {
    // Prepare
    const now = new Date('2026-11-28T02:15:00Z');

    // Act
    const today = localDate(now, 'Asia/Tokyo');

    // Assess
    expect(today).toBe('2026-11-28');
  });

  it('is already the next day in Tokyo at 15:30 UTC', () => {
    // Prepare
    const now = new Date('2026-11-28T15:30:00Z');

    // Act
    const tokyo = localDate(now, 'Asia/Tokyo');
    const utc = localDate(now, 'UTC');

    // Assess
    expect(tokyo).toBe('2026-11-29');
    expect(utc).toBe('2026-11-28');
  });

  it('turns to the next day exactly at midnight JST', () => {
    // Prepare
    const lastMoment = new Date('2026-11-28T14:59:59.999Z');
    const midnight = new Date('2026-11-28T15:00:00Z');

    // Act
    const before = localDate(lastMoment, 'Asia/Tokyo');
    const after = localDate(midnight, 'Asia/Tokyo');

    // Assess
    expect(before).toBe('2026-11-28');
    expect(after).toBe('2026-11-29');
  });

  it('rejects a time zone that does not exist', () => {
    // Prepare
    const now = new Date('2026-11-28T02:15:00Z');

    // Act
    const act = (): string => localDate(now, 'Asia/Atlantis');

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('addDays', () => {
  it.each([
    ['2026-11-28', 3, '2026-12-01'],
    ['2026-12-30', 3, '2027-01-02'],
    ['2028-02-28', 1, '2028-02-29'],
    ['2027-02-28', 1, '2027-03-01'],
    ['2026-11-28', 0, '2026-11-28'],
    ['2026-03-01', -1, '2026-02-28'],
  ])('%s + %i days is %s', (date, days, expected) => {
    // Act
    const result = addDays(date, days);

    // Assess
    expect(result).toBe(expected);
  });

  it('rejects a date that is not YYYY-MM-DD', () => {
    // Act
    const act = (): string => addDays('2026/11/28', 1);

    // Assess
    expect(act).toThrow('addDays: "2026/11/28" is not a YYYY-MM-DD calendar date');
  });

  it('rejects a fractional number of days', () => {
    // Act
    const act = (): string => addDays('2026-11-28', 1.5);

    // Assess
    expect(act).toThrow(RangeError);
  });

  it('rejects a shift beyond the dates a Date can hold', () => {
    // Act
    const act = (): string => addDays('2026-11-28', 1e9);

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('isCalendarDate', () => {
  it.each([
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-02-30', false],
    ['2026-13-01', false],
    ['2026-1-5', false],
    ['', false],
    ['2026-11-28T00:00:00Z', false],
  ])('%j -> %s', (value, expected) => {
    // Act
    const result = isCalendarDate(value);

    // Assess
    expect(result).toBe(expected);
  });
});
