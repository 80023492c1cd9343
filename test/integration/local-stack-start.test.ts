import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalPortError } from '../../local/listen';
import { portsFromBase } from '../../local/port-base';
import { LocalStackLockedError, STACK_LOCK_FILE } from '../../local/queue/data-dir-lock';
import { startLocalStack, type LocalPorts, type LocalStackOptions } from '../../local/stack';

/**
 * What `npm start` says when the machine is busy: a data directory another stack holds, or a
 * port another program holds. Each case starts (or tries to start) a real stack on free ports
 * (port 0), never on 3000-3005, which a developer's own `npm start` may hold.
 */

jest.setTimeout(60_000);

const FREE_PORTS: LocalPorts = { bridge: 0, kintone: 0, ses: 0, sesProxy: 0, dynamodb: 0, fax: 0 };
const TSX = join('node_modules', '.bin', 'tsx');

const dirs: string[] = [];
const cleanups: Array<() => Promise<void> | void> = [];

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sab-start-'));
  dirs.push(dir);
  return dir;
}

function options(dataDir: string, ports: Partial<LocalPorts> = {}): LocalStackOptions {
  return {
    dataDir,
    configPath: 'config/demo.json',
    env: {},
    logLevel: 'SILENT',
    ports: { ...FREE_PORTS, ...ports },
  };
}

/** A port another program holds, as a busy machine has them. */
async function holdPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP port');
  return address.port;
}

/** A live process that is not this one (another `npm start`, as far as the lock can tell). */
async function otherLiveProcess(): Promise<ChildProcess & { pid: number }> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'], {
    stdio: 'ignore',
  });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  cleanups.push(() => {
    child.kill();
  });
  return child as ChildProcess & { pid: number };
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a data directory another stack holds', () => {
  it('is refused before anything opens it, naming the process that holds it', async () => {
    // Prepare: another live process holds the directory.
    const dataDir = tempDataDir();
    const other = await otherLiveProcess();
    writeFileSync(join(dataDir, STACK_LOCK_FILE), String(other.pid));

    // Act
    const start = startLocalStack(options(dataDir));

    // Assess
    await expect(start).rejects.toThrow(LocalStackLockedError);
    await expect(start).rejects.toThrow(
      `the data directory ${dataDir} is in use by process ${other.pid} (another npm start?). ` +
        `Only one local stack can use a data directory: stop the other one (Ctrl-C where it runs, or kill ${other.pid}), ` +
        'or start this one on another folder: npm start -- --data-dir .data-2 --port-base 4000',
    );
    // Nothing was opened: no dynalite store, no kintone file, no secrets; the lock is still theirs.
    expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
    expect(existsSync(join(dataDir, 'kintone.json'))).toBe(false);
    expect(existsSync(join(dataDir, 'local-secrets.json'))).toBe(false);
    expect(readFileSync(join(dataDir, STACK_LOCK_FILE), 'utf8')).toBe(String(other.pid));
  });

  it('is taken over once the holder has exited (a killed stack leaves its lock behind)', async () => {
    // Prepare: the holder is killed without releasing its lock.
    const dataDir = tempDataDir();
    const other = await otherLiveProcess();
    writeFileSync(join(dataDir, STACK_LOCK_FILE), String(other.pid));
    const exited = new Promise((resolve) => other.once('exit', resolve));
    other.kill('SIGKILL');
    await exited;

    // Act
    const stack = await startLocalStack(options(dataDir));
    cleanups.push(() => stack.close());

    // Assess
    expect(readFileSync(join(dataDir, STACK_LOCK_FILE), 'utf8')).toBe(String(process.pid));
    expect(stack.urls.kintoneViewUrl).toBe(`${stack.urls.kintoneBaseUrl}/k/`);
  });

  it('is refused to a second stack of the same process, and free again after close', async () => {
    // Prepare
    const dataDir = tempDataDir();
    const first = await startLocalStack(options(dataDir));

    // Act
    const second = startLocalStack(options(dataDir));

    // Assess
    await expect(second).rejects.toThrow(
      `is in use by this process (${process.pid}), by a local stack started earlier and not closed`,
    );
    await first.close();
    expect(existsSync(join(dataDir, STACK_LOCK_FILE))).toBe(false);
    const third = await startLocalStack(options(dataDir));
    cleanups.push(() => third.close());
  });
});

describe('a port another program holds', () => {
  it.each<[keyof LocalPorts, string]>([
    ['dynamodb', 'dynalite, the local DynamoDB'],
    ['ses', 'SES emulator'],
    ['sesProxy', 'SES fault proxy'],
    ['kintone', 'local kintone'],
    ['bridge', 'bridge HTTP API'],
    ['fax', 'Phaxio emulator'],
  ])(
    '%s: names the port and the service, and leaves the data directory free',
    async (service, name) => {
      // Prepare
      const port = await holdPort();
      const dataDir = tempDataDir();

      // Act
      const start = startLocalStack(options(dataDir, { [service]: port }));

      // Assess
      await expect(start).rejects.toThrow(LocalPortError);
      await expect(start).rejects.toThrow(
        `port ${port} (${name}) is in use by another program; stop it or choose other ports: npm start -- --port-base 4000`,
      );
      // Everything opened before the failure was closed and the lock released: the next start works.
      expect(existsSync(join(dataDir, STACK_LOCK_FILE))).toBe(false);
      const stack = await startLocalStack(options(dataDir));
      cleanups.push(() => stack.close());
    },
  );
});

/** A base whose six ports are free now, away from 3000-3005 and the ephemeral range. */
async function freePortBase(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 10_000);
    const servers: Server[] = [];
    try {
      for (const port of Object.values(portsFromBase(base))) {
        const server = createServer();
        servers.push(server);
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', resolve);
        });
      }
      return base;
    } catch {
      // One of them is taken: try another base.
    } finally {
      await Promise.all(
        servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      );
    }
  }
  throw new Error('found no six consecutive free ports between 20000 and 30000');
}

describe('a port base', () => {
  it('puts every service at base+0..base+5 and says so in local.json', async () => {
    // Prepare
    const base = await freePortBase();
    const dataDir = tempDataDir();

    // Act
    const stack = await startLocalStack(options(dataDir, portsFromBase(base)));
    cleanups.push(() => stack.close());

    // Assess
    const local = JSON.parse(readFileSync(join(dataDir, 'local.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(local).toMatchObject({
      bridgeUrl: `http://127.0.0.1:${base}`,
      kintoneBaseUrl: `http://localhost:${base + 1}`,
      kintoneViewUrl: `http://localhost:${base + 1}/k/`,
      sesInboxUrl: `http://127.0.0.1:${base + 2}/`,
      sesEndpoint: `http://127.0.0.1:${base + 3}`,
      dynamodbEndpoint: `http://127.0.0.1:${base + 4}`,
      faxOutboxUrl: `http://127.0.0.1:${base + 5}/faxes`,
    });
    const view = await fetch(`http://localhost:${base + 1}/k/`);
    expect(view.status).toBe(200);
  });
});

describe('npm start', () => {
  /** Runs local/start.ts as `npm start -- …` does; the stack never gets to open a port here. */
  function npmStart(args: string[], env: NodeJS.ProcessEnv = {}) {
    const result = spawnSync(TSX, ['local/start.ts', ...args], {
      encoding: 'utf8',
      env: { ...process.env, BRIDGE_PORT_BASE: '', BRIDGE_GATHERING: '', ...env },
      timeout: 45_000,
    });
    // Node's version warnings of the AWS SDK are not ours to judge.
    const stderr = result.stderr
      .split('\n')
      .filter((line) => line.startsWith('stock-alert-bridge'))
      .join('\n');
    return { status: result.status, stderr, raw: result.stderr };
  }

  it('on a data directory in use: one paragraph naming the pid, no stack trace, exit 1', async () => {
    // Prepare
    const dataDir = tempDataDir();
    const other = await otherLiveProcess();
    writeFileSync(join(dataDir, STACK_LOCK_FILE), String(other.pid));

    // Act
    const { status, stderr, raw } = npmStart(['--data-dir', dataDir, '--port-base', '47000']);

    // Assess
    expect(status).toBe(1);
    expect(stderr).toBe(
      `stock-alert-bridge could not start: the data directory ${dataDir} is in use by process ${other.pid} (another npm start?). ` +
        `Only one local stack can use a data directory: stop the other one (Ctrl-C where it runs, or kill ${other.pid}), ` +
        'or start this one on another folder: npm start -- --data-dir .data-2 --port-base 4000',
    );
    expect(raw).not.toMatch(/^\s+at /m);
  });

  it('on a busy port: names the port and the service, no stack trace, exit 1', async () => {
    // Prepare: the port of dynalite, the first service to listen, is taken.
    const port = await holdPort();
    const dataDir = tempDataDir();

    // Act
    const { status, stderr, raw } = npmStart(['--data-dir', dataDir], {
      BRIDGE_PORT_BASE: String(port - 4),
    });

    // Assess
    expect(status).toBe(1);
    expect(stderr).toBe(
      `stock-alert-bridge could not start: port ${port} (dynalite, the local DynamoDB) is in use by another program; stop it or choose other ports: npm start -- --port-base 4000`,
    );
    expect(raw).not.toMatch(/^\s+at /m);
  });

  it('on a bad --port-base: says the range, exit 1', () => {
    const { status, stderr } = npmStart(['--data-dir', tempDataDir(), '--port-base', '80']);

    expect(status).toBe(1);
    expect(stderr).toMatch(
      /^stock-alert-bridge could not start: --port-base must be a whole number from 1024 to 65530 /,
    );
  });

  it('on a bad --gathering: says the accepted forms, exit 1', () => {
    const { status, stderr, raw } = npmStart([
      '--data-dir',
      tempDataDir(),
      '--gathering',
      'window:0',
    ]);

    expect(status).toBe(1);
    expect(stderr).toBe(
      'stock-alert-bridge could not start: --gathering must be immediate, window:<minutes 1-1440> or cutoff:<HH:MM>[,<HH:MM>...], got "window:0"; for example: npm start -- --gathering window:1',
    );
    expect(raw).not.toMatch(/^\s+at /m);
  });
});
