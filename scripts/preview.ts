import { runPreview } from './lib/preview';

/**
 * `npm run preview -- --record FILE.json --config FILE --as pdf|email --out PATH`: writes what a
 * supplier would receive for a kintone webhook notification. The work is in `lib/preview.ts`,
 * so tests run it without a child process; this file only prints and sets the exit status.
 */
const result = await runPreview(process.argv.slice(2));
(result.exitCode === 0 ? process.stdout : process.stderr).write(`${result.message}\n`);
process.exitCode = result.exitCode;
