import { runPreview } from './lib/preview';

/**
 * `npm run preview -- --record FILE.json --config FILE --as pdf|email|page|all --out PATH`: writes
 * what a supplier would receive for a kintone webhook notification; `npm run preview -- --lines 5`
 * (or `--gathered`) does so for a sample gathered order with a ship-to and prices, into
 * .data/preview/index.html. The work is in `lib/preview.ts`, so tests run it without a child
 * process; this file only prints and sets the exit status.
 */
const result = await runPreview(process.argv.slice(2));
(result.exitCode === 0 ? process.stdout : process.stderr).write(`${result.message}\n`);
process.exitCode = result.exitCode;
