import {
  mean as ssMean,
  median as ssMedian,
  probit,
  sampleStandardDeviation,
} from 'simple-statistics';

/**
 * The few statistics the learning needs, over `simple-statistics` (pure math, no I/O; the one
 * package the domain may use, see test/unit/architecture.test.ts). Wrapped so that empty and
 * one-element samples have an answer instead of the package's thrown error: the learning decides
 * on "not enough history" itself, with a reason for staff.
 */

/** Arithmetic mean; 0 for an empty sample. */
export function meanOf(values: readonly number[]): number {
  return values.length === 0 ? 0 : ssMean(values as number[]);
}

/**
 * Sample standard deviation (n − 1): the history is a sample of the process we plan for, and the
 * population formula would understate the spread of short histories. 0 below two values.
 */
export function standardDeviationOf(values: readonly number[]): number {
  return values.length < 2 ? 0 : sampleStandardDeviation(values as number[]);
}

/** Median; undefined for an empty sample (there is no typical value to report). */
export function medianOf(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : ssMedian(values as number[]);
}

/** Lowest and highest service level a suggestion accepts (z from 0 to about 3.7). */
export const MIN_SERVICE_LEVEL = 0.5;
export const MAX_SERVICE_LEVEL = 0.9999;

/**
 * z of a cycle service level: the standard normal quantile (probit). simple-statistics computes
 * it with Winitzki's closed form, within about 0.1 % of the exact quantile at 95 % (1.6434 against
 * 1.6449) and 0.5 % at 99.9 %: far below the uncertainty of a learned demand, and monotone, so
 * a higher service level never gives a lower z.
 *
 * @throws RangeError outside [{@link MIN_SERVICE_LEVEL}, {@link MAX_SERVICE_LEVEL}]: below 50 %
 * the safety stock would be negative, at 100 % infinite.
 * @example
 * zOfServiceLevel(0.95); // ≈ 1.643
 */
export function zOfServiceLevel(serviceLevel: number): number {
  if (
    !Number.isFinite(serviceLevel) ||
    serviceLevel < MIN_SERVICE_LEVEL ||
    serviceLevel > MAX_SERVICE_LEVEL
  ) {
    throw new RangeError(
      `service level ${serviceLevel} is outside ${MIN_SERVICE_LEVEL}–${MAX_SERVICE_LEVEL}`,
    );
  }
  return probit(serviceLevel);
}
