/**
 * Function settings that the benchmarks check as well as the stack: kept free of the CDK, so a
 * measured bundle can read them without loading aws-cdk-lib.
 */

/**
 * Memory of the fax function, from `npm run bench:fax-memory` (peak RSS over 100 fax orders in
 * one process, see docs/measurements.md), with at least 30 % headroom.
 */
export const SEND_FAX_MEMORY_MB = 512;
