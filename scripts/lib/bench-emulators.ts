import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBridgeTable } from '../../shared/adapters/dynamodb/bridge-table';
import { startDynalite } from '../../local/dynamodb/dynalite';
import { startPhaxioEmulator } from '../../local/fax/phaxio-emulator';
import { startSesLocal } from '../../local/ses/ses-local';
import { errorText } from './cli';

/**
 * The emulators of the memory benchmarks, in a process of their own (they keep every item,
 * email and fax in memory, which is not the measured function's): started by
 * {@link startBenchEmulators} from the TypeScript sources, so the measured bundle carries none
 * of their code. Prints one JSON line of endpoints and stops when stdin closes.
 *
 *   tsx scripts/lib/bench-emulators.ts --table NAME [--ses] [--phaxio KEY,SECRET,TOKEN]
 */

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { table: { type: 'string' }, ses: { type: 'boolean' }, phaxio: { type: 'string' } },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-emulators-'));
  const dynamo = await startDynalite();
  if (values.table) await ensureBridgeTable(dynamo.client, values.table);
  const ses = values.ses ? await startSesLocal() : undefined;
  const [apiKey = '', apiSecret = '', callbackToken = ''] = values.phaxio?.split(',') ?? [];
  // Callbacks are held back for a minute: the benchmark measures sending, not status updates.
  const phaxio = values.phaxio
    ? await startPhaxioEmulator({
        dataDir,
        apiKey,
        apiSecret,
        callbackToken,
        callbackDelayMs: 60_000,
      })
    : undefined;
  process.stdout.write(
    `${JSON.stringify({
      dynamo: dynamo.endpoint,
      ...(ses ? { ses: ses.endpoint, store: ses.storeUrl } : {}),
      ...(phaxio ? { phaxio: phaxio.baseUrl } : {}),
    })}\n`,
  );
  process.stdin.resume();
  await new Promise((resolve) => process.stdin.on('end', resolve));
  await phaxio?.close();
  await ses?.close();
  await dynamo.close();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${errorText(error)}\n`);
  process.exit(1);
});
