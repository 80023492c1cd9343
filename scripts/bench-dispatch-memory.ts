import { numberArgument } from './lib/memory-bench';
import { exitWithBundledRun } from './lib/run-bundled';

/**
 * Issue 13's "dispatch peak RSS <= 150 MB over 1,000 notifications": one process runs
 * `processNotification` for 1,000 order notifications one after another, as one warm dispatch
 * container would, and samples its resident set size every 5 ms and after each notification.
 *
 * Wiring: the real DynamoDB stores (`wireStores`) on dynalite and the real SES mailer
 * (`SesOrderMailer`: the email is rendered and sent) to the SES emulator. The emulators run in a
 * child process (they keep every item and email in memory, which is not the dispatcher's), so
 * the figure is the measuring process's alone. kintone is a writer that does nothing, and logs
 * go nowhere. Each notification is `update-record-low.json` for another record of app 12 (in
 * stock 18, reorder point 20, supplier in the record, `immediate`): a new order, one email, one
 * write-back and one comment each.
 *
 * The script bundles its measured side (scripts/lib/measure-dispatch-memory.ts) with the deployed esbuild settings (`bridgeEsbuildOptions`,
 * into `dist/bench-dispatch-memory/`) and runs the bundle under `node --expose-gc`: under tsx
 * the compiler alone holds about 60 MB more. It reports the heap after a full GC at the start
 * and the end, which tells growth that stays (a leak) from garbage not yet collected.
 *
 *   npx tsx scripts/bench-dispatch-memory.ts [--count 1000] [--heap-mb 64]   (npm run bench:memory)
 */

const args = process.argv.slice(2);
const COUNT = numberArgument(args, '--count', 4) ?? 1_000;
/** `--heap-mb N`: V8's old-space limit for the measured process (`--max-old-space-size`). */
const HEAP_MB = numberArgument(args, '--heap-mb', 16);

exitWithBundledRun('scripts/lib/measure-dispatch-memory.ts', 'bench-dispatch-memory', {
  ...(HEAP_MB !== undefined ? { heapMb: HEAP_MB } : {}),
  args: ['--count', String(COUNT)],
});
