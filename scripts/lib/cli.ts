/**
 * What the operator commands and benchmarks share around their own work: printing a failure
 * and ending the process. No imports: the memory benchmarks bundle it into what they measure.
 */

/** An error as the scripts print it: its stack when it has one. */
export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** Prints `message` to stderr and exits with `code` (2: the command was used wrongly). */
export function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/**
 * Runs a script's `main` and exits with the code it returns (0 when it returns none), or with 1
 * and `<label> failed: <error>` on stderr when it throws. The exit also ends whatever `main`
 * left open (emulators, sockets) that would keep Node alive.
 *
 * @example
 * exitWhenDone(main, 'bench');
 */
export function exitWhenDone(main: () => Promise<number | void>, label: string): void {
  main().then(
    (code) => process.exit(code ?? 0),
    (error: unknown) => {
      process.stderr.write(`${label} failed: ${errorText(error)}\n`);
      process.exit(1);
    },
  );
}
