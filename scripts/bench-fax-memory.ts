import { SEND_FAX_MEMORY_MB } from '../infra/function-settings';
import { numberArgument } from './lib/memory-bench';
import { exitWithBundledRun } from './lib/run-bundled';

/**
 * Issue 13's "the fax function's peak reported for 100 fax orders, with a memorySize that leaves
 * at least 30 % headroom": one process runs the fax function's use case (`sendFaxJob`) for 100
 * sealed fax orders of 3 lines one after another, as one warm send-fax container would, and
 * samples its RSS every 5 ms.
 *
 * Wiring: the real order store on dynalite and the real fax path: `buildFaxSending` renders the
 * 発注書 with pdfkit and the embedded Noto Sans JP fonts and uploads it to the Phaxio emulator.
 * The emulators run in a child process; kintone is a writer that does nothing.
 *
 *   npx tsx scripts/bench-fax-memory.ts [--count 100] [--memory-mb 512]   (npm run bench:fax-memory)
 *
 * Prints the peak and whether `--memory-mb` (default: the stack's SEND_FAX_MEMORY_MB) leaves
 * 30 % of it free at the peak.
 */

const args = process.argv.slice(2);
const COUNT = numberArgument(args, '--count', 1) ?? 100;
const MEMORY_MB = numberArgument(args, '--memory-mb', 128) ?? SEND_FAX_MEMORY_MB;

exitWithBundledRun('scripts/lib/measure-fax-memory.ts', 'bench-fax-memory', {
  args: ['--count', String(COUNT), '--memory-mb', String(MEMORY_MB)],
});
