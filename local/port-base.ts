import { DEFAULT_PORTS, type LocalPorts } from './stack';

/**
 * `npm start -- --port-base 4000` (or `BRIDGE_PORT_BASE=4000`): the stack's services on
 * consecutive ports from the base, in the order of {@link DEFAULT_PORTS} (bridge, kintone, SES,
 * SES fault proxy, DynamoDB, fax), so a second stack or a busy 3000 is one option away.
 */

/** The lowest base: ports below 1024 need root on most systems. */
export const MIN_PORT_BASE = 1024;
/** The services, one port each, in DEFAULT_PORTS's order. */
const SERVICES = Object.keys(DEFAULT_PORTS) as Array<keyof LocalPorts>;
/** The highest base whose last port is still a TCP port (65535). */
export const MAX_PORT_BASE = 65_535 - (SERVICES.length - 1);

/** A port base that is not a whole number from {@link MIN_PORT_BASE} to {@link MAX_PORT_BASE}. */
export class PortBaseError extends Error {
  override readonly name = 'PortBaseError';
}

/**
 * The stack's ports from a base.
 *
 * @example
 * portsFromBase(4000); // { bridge: 4000, kintone: 4001, ses: 4002, sesProxy: 4003, dynamodb: 4004, fax: 4005 }
 */
export function portsFromBase(base: number): LocalPorts {
  return Object.fromEntries(SERVICES.map((service, index) => [service, base + index])) as Record<
    keyof LocalPorts,
    number
  >;
}

/**
 * Reads the port base from `--port-base` (first) or `BRIDGE_PORT_BASE`; undefined when neither
 * is set (the default ports apply).
 *
 * @throws PortBaseError naming where the value came from and the accepted range.
 * @example
 * portBaseFrom('4000', undefined); // 4000
 * portBaseFrom(undefined, '5000'); // 5000
 * portBaseFrom('80', undefined); // throws: --port-base must be a whole number from 1024 to 65530 ...
 */
export function portBaseFrom(
  option: string | undefined,
  environment: string | undefined,
): number | undefined {
  const [source, raw] =
    option !== undefined
      ? ['--port-base', option]
      : environment !== undefined && environment.trim() !== ''
        ? ['BRIDGE_PORT_BASE', environment]
        : [undefined, undefined];
  if (source === undefined) return undefined;
  const text = raw.trim();
  const base = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(base) || base < MIN_PORT_BASE || base > MAX_PORT_BASE) {
    throw new PortBaseError(
      `${source} must be a whole number from ${MIN_PORT_BASE} to ${MAX_PORT_BASE} (the stack uses ` +
        `${SERVICES.length} ports from it: ${SERVICES.join(', ')}), got ${JSON.stringify(raw)}; ` +
        'for example: npm start -- --port-base 4000',
    );
  }
  return base;
}
