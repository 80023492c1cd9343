/**
 * Public holidays (祝日・振替休日・国民の休日), from a maintained list rather than a hand-written
 * one: the calendar of business days asks this port by date.
 */
export interface PublicHolidays {
  /** The holiday's name on `date` (`YYYY-MM-DD`, a local calendar date), or undefined. */
  nameOf(date: string): string | undefined;
}
