import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createKintoneClient } from '../shared/adapters/kintone/kintone-record-writer';
import { withKintoneRetry } from '../shared/adapters/kintone/kintone-retry';
import type { Env } from '../shared/config/env';
import { loadConfigFile, resolveSecret } from '../shared/config/load-config';
import { formatFindings, hasErrors, runDoctor, type DoctorTarget } from '../shared/kintone/doctor';
import { supplierMasterApp } from '../local/kintone/supplier-master-app';
import { errorText, fail } from './lib/cli';
import { configOrFail, readLocalJson } from './lib/command-input';

/** The app id under which npm start's local kintone serves the supplier master. */
const LOCAL_SUPPLIER_MASTER_APP_ID = supplierMasterApp.appId;

const USAGE = `Checks a configuration against the kintone apps: mapped fields exist and have usable
types, write-back fields are writable, the API token can read and edit records; and the
supplier master (config supplierMaster): its fields, and that its token can read records.

  npm run doctor -- --config FILE [--base-url URL] [--app ID]
  npm run doctor -- --config FILE --local [--data-dir .data] [--app ID]

API tokens are read from the environment variables the config names ({"env": NAME}).
--base-url defaults to KINTONE_BASE_URL. --local checks against the local kintone of
npm start, with its URL and tokens from .data/local.json and .data/local-secrets.json
(the local kintone serves the supplier master as app ${LOCAL_SUPPLIER_MASTER_APP_ID}, and the
site inventory app when the config has it).
--app ID checks only that app (the supplier master's id for the master); repeatable.
Exits with 1 when any error is found.`;

/** What `npm start` leaves for scripts in `.data/local.json` (only the keys used here). */
const localUrlsSchema = z.object({
  kintoneBaseUrl: z.string().min(1),
  kintoneAppId: z.string().min(1),
  kintoneApiToken: z.string().min(1).optional(),
  supplierMasterAppId: z.string().min(1).optional(),
  supplierMasterApiToken: z.string().min(1).optional(),
  siteInventoryAppId: z.string().min(1).optional(),
  siteInventoryApiToken: z.string().min(1).optional(),
});
const localSecretsSchema = z.record(z.string(), z.string());

interface Target {
  baseUrl: string;
  env: Env;
  /** API tokens that win over the config's references, by app id. */
  tokens: Record<string, string>;
}

function localTarget(dataDir: string): Target {
  const hint = 'start the local stack first (npm start)';
  const urls = readLocalJson(join(dataDir, 'local.json'), localUrlsSchema, hint);
  const stored = readLocalJson(join(dataDir, 'local-secrets.json'), localSecretsSchema, hint);
  return {
    baseUrl: urls.kintoneBaseUrl,
    // As npm start resolves them: a variable set in the environment wins over a stored one.
    env: { ...stored, ...process.env },
    tokens: {
      ...(urls.kintoneApiToken ? { [urls.kintoneAppId]: urls.kintoneApiToken } : {}),
      ...(urls.supplierMasterAppId && urls.supplierMasterApiToken
        ? { [urls.supplierMasterAppId]: urls.supplierMasterApiToken }
        : {}),
      ...(urls.siteInventoryAppId && urls.siteInventoryApiToken
        ? { [urls.siteInventoryAppId]: urls.siteInventoryApiToken }
        : {}),
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      'base-url': { type: 'string' },
      app: { type: 'string', multiple: true },
      local: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: '.data' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const configPath = values.config;
  if (!configPath) fail(`--config is required\n\n${USAGE}`);

  const config = configOrFail(() => loadConfigFile(configPath));

  const target: Target = values.local
    ? localTarget(values['data-dir'])
    : { baseUrl: process.env.KINTONE_BASE_URL?.trim() ?? '', env: process.env, tokens: {} };
  const baseUrl = values['base-url']?.trim() || target.baseUrl;
  if (!baseUrl) fail(`give --base-url (or set KINTONE_BASE_URL), or use --local\n\n${USAGE}`);

  const clientFor = (app: DoctorTarget) =>
    createKintoneClient(
      baseUrl,
      target.tokens[app.appId] ?? resolveSecret(app.apiToken, target.env, app.tokenPath),
    );
  process.stdout.write(`checking ${configPath} against ${baseUrl}\n\n`);
  const master = config.supplierMaster;
  if (values.local && master && master.appId !== LOCAL_SUPPLIER_MASTER_APP_ID) {
    process.stdout.write(
      `note: the local kintone serves the supplier master as app ${LOCAL_SUPPLIER_MASTER_APP_ID}, but supplierMaster.appId is ${master.appId}\n\n`,
    );
  }
  const findings = await runDoctor(config, clientFor, {
    ...(values.app ? { apps: values.app } : {}),
    // A doctor run waits at most a few seconds for a busy kintone before reporting it.
    call: (request) => withKintoneRetry(request, { attempts: 3 }),
  });
  process.stdout.write(formatFindings(findings, config));
  process.exitCode = hasErrors(findings) ? 1 : 0;
}

main().catch((error: unknown) => fail(errorText(error), 1));
