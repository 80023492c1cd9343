import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { httpApiEvent, webhookLambdaContext } from './lib/http-api-event';
import { buildWebhookDeps, wireWebhookFromEnv } from '../functions/webhook/wiring';
import { makeWebhookHandler } from '../functions/webhook/handler';
import { httpErrorHandler } from '../shared/edge/http-error-handler';
import { notificationSchema } from '../shared/kintone/notification';
import { loadConfigFromEnv } from '../shared/config/env';
import { loggerFromEnv } from '../functions/wiring-env';
import { EnvSecretSource } from '../shared/adapters/secrets/env-secret-source';
const body = readFileSync('test/fixtures/kintone-webhooks/update-record-subtable.json', 'utf8');
const TOKEN = 'bench-webhook-token-0123456789abcdef';
const env = (level = 'INFO'): Record<string,string> => ({ BRIDGE_CONFIG_FILE: 'config/demo.json', POWERTOOLS_SERVICE_NAME: 'stock-alert-bridge', STAGE: 'bench', AWS_ACCESS_KEY_ID: 'b', AWS_SECRET_ACCESS_KEY: 'b', POWERTOOLS_LOG_LEVEL: level, AWS_LAMBDA_FUNCTION_NAME: 'w', AWS_REGION:'ap-northeast-1', WEBHOOK_TOKEN_APP_12: TOKEN, WEBHOOK_TOKEN_APP_15: TOKEN });
if (process.argv.includes('--child')) {
  const q = { enqueue: async () => {} } as any;
  const deployed = wireWebhookFromEnv(env(), { queue: q });
  const quiet = wireWebhookFromEnv(env('WARN'), { queue: q });
  const d2 = buildWebhookDeps(loadConfigFromEnv(env()), new EnvSecretSource(env()), q, loggerFromEnv(env()));
  const noTimer = middy(makeWebhookHandler(d2), { timeoutEarlyInMillis: 0 }).use(injectLambdaContext(d2.logger, { resetKeys: true, logEvent: false })).use(httpErrorHandler({ logger: d2.logger }));
  const d3 = buildWebhookDeps(loadConfigFromEnv(env()), new EnvSecretSource(env()), q, loggerFromEnv(env()));
  const noCtx = middy(makeWebhookHandler(d3)).use(httpErrorHandler({ logger: d3.logger }));
  const floor = async () => { if (!notificationSchema.safeParse(JSON.parse(body)).success) throw 1; };
  const vs: Record<string, (e: any, c: any) => Promise<unknown>> = { floor, deployed, quiet, noTimer, noCtx } as any;
  const names = Object.keys(vs); const xs: Record<string, number[]> = Object.fromEntries(names.map(n => [n, []]));
  let inv = 0;
  (async () => {
    for (let r = 0; r < 25000; r++) {
      for (let k = 0; k < names.length; k++) {
        const n = names[(r + k) % names.length]!; inv++;
        const e = httpApiEvent({ body, token: TOKEN }); const c = webhookLambdaContext(`c6af9ac6-7b61-11e6-9a41-${String(inv).padStart(12, '0')}`);
        const t = performance.now(); const res: any = await vs[n]!(e, c); const dt = performance.now() - t;
        if (n !== 'floor' && res.statusCode !== 200) throw new Error(JSON.stringify(res));
        if (r >= 5000) xs[n]!.push(dt);
      }
      await new Promise(r => setImmediate(r));
    }
    const out: string[] = [];
    for (const n of names) { const a = xs[n]!.sort((x, y) => x - y); out.push(`${n.padEnd(10)} median ${(a[a.length/2|0]!*1000).toFixed(1)} p99 ${(a[Math.ceil(a.length*0.99)-1]!*1000).toFixed(1)}`); }
    process.stderr.write(out.join('\n') + '\n');
  })();
} else {
  const c = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child'], { stdio: ['ignore', 'pipe', 'inherit'] });
  c.stdout.on('data', () => {});
}
