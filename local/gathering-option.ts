import { ConfigError } from '../shared/config/load-config';
import { gatheringSchema, type GatheringRule } from '../shared/config/schema';

/**
 * `npm start -- --gathering window:1` (or `BRIDGE_GATHERING=window:1`): the stack runs its
 * configuration with that gathering rule on every app, so the demo can show a gathered order
 * without editing the configuration file (whose apps send at once, as the tests expect).
 *
 * Accepted: `immediate`, `window:<minutes>`, `cutoff:<HH:MM>[,<HH:MM>...]`.
 */

/**
 * The rule from `--gathering` (first) or `BRIDGE_GATHERING`; undefined when neither is set.
 *
 * @throws ConfigError naming where the value came from and the accepted forms.
 * @example
 * gatheringFrom('window:1', undefined); // { rule: 'window', minutes: 1 }
 * gatheringFrom(undefined, 'cutoff:10:00,15:00'); // { rule: 'cutoff', times: ['10:00', '15:00'] }
 */
export function gatheringFrom(
  option: string | undefined,
  environment: string | undefined,
): GatheringRule | undefined {
  const [source, raw] =
    option !== undefined
      ? ['--gathering', option]
      : environment !== undefined && environment.trim() !== ''
        ? ['BRIDGE_GATHERING', environment]
        : [undefined, undefined];
  if (source === undefined) return undefined;
  const text = raw.trim();
  const separator = text.indexOf(':');
  const rule = separator < 0 ? text : text.slice(0, separator);
  const argument = separator < 0 ? '' : text.slice(separator + 1);
  const candidate =
    rule === 'immediate' && argument === ''
      ? { rule }
      : rule === 'window' && /^\d+$/.test(argument)
        ? { rule, minutes: Number(argument) }
        : rule === 'cutoff'
          ? { rule, times: argument.split(',').map((time) => time.trim()) }
          : undefined;
  const parsed = candidate && gatheringSchema.safeParse(candidate);
  if (!parsed?.success) {
    throw new ConfigError(
      `${source} must be immediate, window:<minutes 1-1440> or cutoff:<HH:MM>[,<HH:MM>...], ` +
        `got ${JSON.stringify(raw)}; for example: npm start -- --gathering window:1`,
    );
  }
  return parsed.data;
}

/** The rule in words, for the banner and the demo. */
export function describeGathering(rule: GatheringRule): string {
  switch (rule.rule) {
    case 'immediate':
      return 'each record sent at once';
    case 'window':
      return `one order per supplier, sent ${rule.minutes} min after its first line`;
    case 'cutoff':
      return `one order per supplier, sent at ${rule.times.join(', ')}`;
  }
}
