/** Environment variables by name, as a process or a Lambda function sees them. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Where the secrets the configuration references as `{"env": NAME}` come from: the process
 * environment locally, a Secrets Manager secret in AWS. `get` may return a cached copy, so
 * callers ask again on every use and pick up a rotated value without a redeploy.
 */
export interface SecretSource {
  /**
   * The current values, by name. Throws when the source cannot be read. A changed value comes
   * as a new object: callers may keep what they built from the last one while it is the same
   * object (see `memoizeBySecrets`).
   */
  get(): Promise<Env>;
  /** Where the value called `name` is looked up, for error messages (never the value). */
  describe(name: string): string;
}
