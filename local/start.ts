import { parseArgs } from 'node:util';
import { ConfigError } from '../shared/config/load-config';
import { describeGathering, gatheringFrom } from './gathering-option';
import { LocalPortError } from './listen';
import { PortBaseError, portBaseFrom, portsFromBase } from './port-base';
import { DataDirLockedError } from './queue/data-dir-lock';
import { DEFAULT_SCHEDULER_INTERVAL_MS } from './scheduler';
import { startLocalStack } from './stack';

/**
 * `npm start`: runs the whole bridge on this machine. With no options it uses the demo app
 * and the embedded defaults; `--config FILE` and `KINTONE_BASE_URL` point it at a real kintone;
 * `--port-base N` (or `BRIDGE_PORT_BASE`) moves its services to ports N..N+5 and `--data-dir`
 * to another folder, so a second stack can run beside the first. `--gathering window:1` (or
 * `BRIDGE_GATHERING`) runs every app with that gathering rule, for the gathered-order demo.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      'port-base': { type: 'string' },
      gathering: { type: 'string' },
    },
  });
  const portBase = portBaseFrom(values['port-base'], process.env.BRIDGE_PORT_BASE);
  const gathering = gatheringFrom(values.gathering, process.env.BRIDGE_GATHERING);
  const configPath = values.config ?? process.env.BRIDGE_CONFIG_FILE ?? 'config/demo.json';
  const dataDir = values['data-dir'] ?? '.data';
  const stack = await startLocalStack({
    dataDir,
    configPath,
    env: process.env,
    ...(portBase === undefined ? {} : { ports: portsFromBase(portBase) }),
    ...(gathering ? { gathering } : {}),
    logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'INFO' | undefined) ?? 'INFO',
  });
  const { urls } = stack;
  // The demo reads <data dir>/local.json: name the folder when it is not the default one.
  const demoDataDir = dataDir === '.data' ? '' : ` --data-dir ${dataDir}`;
  const lines = [
    '',
    'stock-alert-bridge is running locally.',
    '',
    `  Webhook URL (enter in kintone): ${urls.webhookUrl}`,
    urls.localKintone
      ? `  Local kintone REST API:         ${urls.kintoneBaseUrl}  (${[
          urls.kintoneAppId,
          urls.siteInventoryAppId,
          urls.supplierMasterAppId,
        ]
          .filter(Boolean)
          .map((app) => `app ${app}`)
          .join(', ')}; API tokens in ${dataDir}/local.json)`
      : `  kintone:                        ${urls.kintoneBaseUrl}`,
    urls.kintoneViewUrl
      ? `  Local kintone as staff see it:  ${urls.kintoneViewUrl}  (records, write-backs, comments; read-only)`
      : null,
    `  Emails sent (SES inbox):        ${urls.sesInboxUrl}`,
    `  SES store (JSON):               ${urls.sesStoreUrl}`,
    `  SES fault injection:            POST ${urls.sesFaultsUrl} {"failNext":1}`,
    `  DynamoDB (dynalite):            ${urls.dynamodbEndpoint}  table ${urls.tableName}`,
    urls.faxOutboxUrl ? `  Faxes sent (Phaxio emulator):   ${urls.faxOutboxUrl}` : null,
    urls.faxFaultsUrl
      ? `  Fax fault injection:            POST ${urls.faxFaultsUrl} {"failNext":1,"kind":"http-500"}`
      : '',
    `  SES events (stand-in for SNS):  POST ${urls.sesEventsUrl} <an SES event JSON>`,
    urls.supplierPageBaseUrl
      ? `  Supplier order pages:           ${urls.supplierPageBaseUrl}/o/<signed token>  (the link in each order email and fax)`
      : null,
    `  Dead letters:                   ${urls.deadLettersUrl}`,
    `  Learning report:                ${urls.learningReportUrl}  (npm run report writes it for AWS)`,
    `  Due orders (send-due-orders):   run every ${DEFAULT_SCHEDULER_INTERVAL_MS / 1000} s (in AWS: every minute)${
      gathering ? `; gathering: ${describeGathering(gathering)}` : ''
    }`,
    '',
    `  All of this as JSON:            ${dataDir}/local.json`,
    urls.localKintone
      ? `  Try it:                         npm run demo -- low${demoDataDir}   (drops A-100 below its reorder point)`
      : '',
    urls.localKintone && urls.faxOutboxUrl
      ? `                                  npm run demo -- low --sku E-500${demoDataDir}   (a supplier reached by fax)`
      : null,
    urls.localKintone && urls.siteInventoryAppId
      ? `                                  npm run demo -- low --app ${urls.siteInventoryAppId}${demoDataDir}   (two table rows of one supplier: one order, two lines)`
      : null,
    urls.localKintone
      ? `                                  npm run demo -- gather${demoDataDir}   (three items of one supplier${
          gathering && gathering.rule !== 'immediate'
            ? ': 待機中, then one order'
            : '; start with --gathering window:1 to get one order'
        })`
      : null,
    '',
  ];
  process.stdout.write(
    `${lines.filter((line, index) => line !== '' || lines[index - 1] !== '').join('\n')}\n`,
  );

  const shutdown = (signal: string) => {
    process.stdout.write(`\n${signal}: stopping (data kept in ${dataDir}/)\n`);
    void stack.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/**
 * Conditions a user meets and fixes (a bad option or config, a busy port, a data directory in
 * use): their message says what to do, so a stack trace would only hide it.
 */
function isExpected(error: unknown): error is Error {
  return (
    error instanceof ConfigError ||
    error instanceof PortBaseError ||
    error instanceof LocalPortError ||
    error instanceof DataDirLockedError ||
    (error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS'))
  );
}

main().catch((error: unknown) => {
  const message = isExpected(error)
    ? error.message
    : error instanceof Error
      ? (error.stack ?? error.message)
      : String(error);
  process.stderr.write(`stock-alert-bridge could not start: ${message}\n`);
  process.exit(1);
});
