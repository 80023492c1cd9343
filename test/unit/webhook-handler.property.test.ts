import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import fc from 'fast-check';
import { createWebhookHandler, MAX_NOTIFICATION_BYTES } from '../../functions/webhook/handler';
import { buildWebhookDeps } from '../../functions/webhook/wiring';
import { EnvSecretSource } from '../../shared/adapters/secrets/env-secret-source';
import { loadConfigFile } from '../../shared/config/load-config';
import { referencedFieldCodes } from '../../shared/kintone/record-mapper';
import { resolveQueuedNotification } from '../../shared/edge/queued-notification';
import { SqsRulesQueue } from '../fakes/sqs-rules-queue';
import {
  DEMO_CONFIG_PATH,
  loadWebhookFixture,
  WEBHOOK_FIXTURES,
  type WebhookFixtureName,
} from '../fixtures/kintone-webhooks';
import { httpApiEvent, lambdaContext } from '../support/api-gateway';

/**
 * Fuzzes the webhook handler with what a sender could post: arbitrary JSON and bytes, kintone
 * fixtures with fields broken, removed or added, odd unicode, and strings large enough that the
 * notification is trimmed to a few KB, is queued as is over SQS's old 256 KiB limit, or exceeds
 * kintone's 1 MB. The queue refuses what SQS refuses (1 MiB a message).
 *
 * Runs `WEBHOOK_FUZZ_RUNS` payloads (default 2,000) and prints the count per answer status:
 * `WEBHOOK_FUZZ_RUNS=10000 npx jest test/unit/webhook-handler.property.test.ts`.
 */

const RUNS = Number(process.env.WEBHOOK_FUZZ_RUNS ?? 2_000);
const TOKENS: Record<string, string> = {
  '12': 'k7Qm2vX9pLs4Tn8Rz1Wy6Bc3Hd5Fg0Jq',
  '15': 'Hs5Dn2Wq8Xc4Lp7Vt1Kb9Mr3Yg6Jf0Zu',
};
const ENV = {
  WEBHOOK_TOKEN_APP_12: TOKENS['12'],
  KINTONE_API_TOKEN_APP_12: 'x',
  WEBHOOK_TOKEN_APP_15: TOKENS['15'],
  KINTONE_API_TOKEN_APP_15: 'y',
};

const config = loadConfigFile(DEMO_CONFIG_PATH);
const codesByApp = new Map(config.apps.map((app) => [app.appId, referencedFieldCodes(app)]));
const queue = new SqsRulesQueue();
const handler = createWebhookHandler(
  buildWebhookDeps(
    config,
    new EnvSecretSource(ENV),
    queue,
    new Logger({ serviceName: 'fuzz', logLevel: 'SILENT' }),
  ),
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** What a case posts, and whether kintone could have sent it (then it must be queued). */
interface Case {
  body: string;
  isBase64Encoded: boolean;
  token: string | undefined;
  legitimate: boolean;
}

const ODD_CHARACTERS = [
  '\uFFFF',
  '\uFFFE',
  '\uD800',
  '\uDFFF',
  '\u0000',
  '\u001F',
  '\u007F',
  '\u2028',
  '\uFEFF',
  '𠮷',
  '😀',
  '"',
  '\\',
  '黒',
  'a',
];

const oddString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.constantFrom(...ODD_CHARACTERS), maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('ボールペン\uFFFF黒', '\uFFFE\uFFFF', '', ' '),
);

const idLike = fc.constantFrom(
  '0',
  '007',
  '-1',
  '1.5',
  '1e3',
  '',
  '１２',
  '9007199254740991',
  '9007199254740992',
  '9999999999999999999999999',
);

const anyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  oddString,
  idLike,
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

/** A string of about `bytes` UTF-8 bytes, with odd characters sprinkled in. */
function bigString(bytes: number, seed: string): string {
  const chunk = `${seed}在庫数が発注点を下回りました。\uFFFF`;
  return chunk.repeat(Math.max(1, Math.ceil(bytes / Buffer.byteLength(chunk)))).slice(0, bytes / 3);
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every path into a JSON value, for mutations to pick from. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value)) return here.concat(...value.map((v, i) => pathsOf(v, [...prefix, i])));
  if (isObject(value)) {
    return here.concat(...Object.entries(value).map(([k, v]) => pathsOf(v, [...prefix, k])));
  }
  return here;
}

type Mutation =
  | { kind: 'set'; pick: number; value: Json }
  | { kind: 'delete'; pick: number }
  | { kind: 'add'; pick: number; key: string; value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), pick: fc.nat(), value: anyValue }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    pick: fc.nat(),
    key: fc.oneof(fc.constantFrom('record', 'claimCheck', '__proto__', '$id', 'value'), oddString),
    value: anyValue,
  }),
);

function applyMutation(root: JsonObject, m: Mutation): JsonObject {
  const paths = pathsOf(root);
  const path = paths[m.pick % paths.length] ?? [];
  if (path.length === 0 && m.kind !== 'add') return root;
  const parentPath = m.kind === 'add' ? path : path.slice(0, -1);
  let parent: Json = root;
  for (const step of parentPath) parent = (parent as Record<string | number, Json>)[step] ?? null;
  if (m.kind === 'add') {
    if (isObject(parent))
      Object.defineProperty(parent, m.key, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return root;
  }
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(parent) && typeof last === 'number') {
    if (m.kind === 'delete') parent.splice(last, 1);
    else parent[last] = m.value;
  } else if (isObject(parent)) {
    if (m.kind === 'delete') delete parent[last];
    else parent[last] = m.value;
  }
  return root;
}

const fixtureName = fc.constantFrom(...WEBHOOK_FIXTURES);

function tokenFor(raw: JsonObject): string | undefined {
  const app = raw.app;
  return isObject(app) && typeof app.id === 'string' ? TOKENS[app.id] : undefined;
}

/** Fixtures broken in up to four places: mostly 4xx, some still valid. */
const nearValid: fc.Arbitrary<Case> = fc
  .tuple(fixtureName, fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([name, mutations]) => {
    const raw = mutations.reduce(applyMutation, loadWebhookFixture(name) as JsonObject);
    return {
      body: JSON.stringify(raw),
      isBase64Encoded: false,
      token: tokenFor(loadWebhookFixture(name) as JsonObject),
      legitimate: false,
    };
  });

/** Text fields of a record fixture that kintone lets staff type into. */
function textFieldCodes(record: JsonObject): string[] {
  return Object.entries(record)
    .filter(([, field]) => isObject(field) && field.type === 'SINGLE_LINE_TEXT')
    .map(([code]) => code);
}

type Size = 'small' | 'trimmed-under' | 'over-256kib' | 'over-1mb';

/**
 * What kintone could send: a fixture whose text fields hold odd unicode or long text, a
 * delete carrying `record: null`. `over-1mb` is the exception kintone never sends (413).
 */
const legitimateCase: fc.Arbitrary<Case> = fc
  .tuple(
    fixtureName,
    fc.array(oddString, { minLength: 1, maxLength: 4 }),
    fc.constantFrom<Size>('small', 'small', 'small', 'trimmed-under', 'over-256kib', 'over-1mb'),
    fc.nat(),
  )
  .map(([name, strings, size, pick]) => {
    const raw = loadWebhookFixture(name as WebhookFixtureName) as JsonObject;
    const record = raw.record;
    if (isObject(record)) {
      const codes = textFieldCodes(record);
      strings.forEach((text, i) => {
        const field = record[codes[(pick + i) % codes.length] ?? ''];
        if (isObject(field)) field.value = text;
      });
      const mapped = codes.find((code) =>
        codesByApp.get(String((raw.app as JsonObject).id))?.includes(code),
      );
      const seed = strings[0] ?? '';
      if (size === 'trimmed-under') {
        // An unmapped field the webhook drops: 700 KB in, a few KB queued.
        record['備考'] = { type: 'MULTI_LINE_TEXT', value: bigString(700_000, seed) };
      } else if (size === 'over-256kib' && mapped !== undefined) {
        // A mapped field the webhook keeps: over 256 KiB, under the queue limit, queued as is.
        // At most 650 KB: even a seed of U+FFFF only (6 bytes each once escaped) stays under.
        const field = record[mapped];
        if (isObject(field)) field.value = bigString(300_000 + (pick % 350_000), seed);
      } else if (size === 'over-1mb') {
        record['備考'] = { type: 'MULTI_LINE_TEXT', value: bigString(1_100_000, seed) };
      }
    } else if (raw.type === 'DELETE_RECORD' || raw.type === 'ADD_RECORD_COMMENT') {
      // Not in kintone's documented format, but the issue saw it: must not crash (dropped).
      raw.record = null;
    }
    const body = JSON.stringify(raw);
    return {
      body,
      isBase64Encoded: false,
      token: tokenFor(raw),
      legitimate: Buffer.byteLength(body) <= MAX_NOTIFICATION_BYTES,
    };
  });

const arbitraryBody: fc.Arbitrary<Case> = fc
  .tuple(
    fc.oneof(
      fc.json(),
      fc.string({ unit: 'binary' }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    ),
    fc.constantFrom(TOKENS['12'], TOKENS['15'], undefined, 'wrong-token-wrong-token-wrong'),
    fc.boolean(),
  )
  .map(([body, token, base64]) => ({
    body,
    isBase64Encoded: base64,
    token,
    legitimate: false,
  }));

/** The notification as the webhook should queue it: the JSON value, trimmed to mapped codes. */
function expectedQueued(raw: JsonObject): Json {
  const copy = JSON.parse(JSON.stringify(raw)) as JsonObject;
  if (copy.type === 'DELETE_RECORD') {
    const { record: _r, deleteBy, deleteAt, ...rest } = copy;
    return JSON.parse(
      JSON.stringify({
        ...rest,
        deletedBy: rest.deletedBy ?? deleteBy,
        deletedAt: rest.deletedAt ?? deleteAt,
      }),
    ) as Json;
  }
  if (copy.type === 'ADD_RECORD_COMMENT') {
    const { record: _r, ...rest } = copy;
    return rest;
  }
  const codes = codesByApp.get(String((copy.app as JsonObject).id)) ?? [];
  const wanted = new Set(codes);
  const record = copy.record as JsonObject;
  const kept: JsonObject = {};
  for (const code of codes) {
    if (!Object.hasOwn(record, code)) continue;
    const field = record[code] as Json;
    if (isObject(field) && field.type === 'SUBTABLE' && Array.isArray(field.value)) {
      kept[code] = {
        ...field,
        value: field.value.map((row) =>
          isObject(row) && isObject(row.value)
            ? {
                ...row,
                value: Object.fromEntries(
                  Object.entries(row.value).filter(([cell]) => wanted.has(cell)),
                ),
              }
            : row,
        ),
      };
    } else {
      kept[code] = field;
    }
  }
  return { ...copy, record: kept };
}

const statusCounts = new Map<number, number>();
let payloads = 0;
let over256KiB = 0;
let legitimateCount = 0;
let ignored = 0;

afterAll(() => {
  const statuses = [...statusCounts.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
  process.stdout.write(
    `\nwebhook fuzz: ${payloads} payloads (${legitimateCount} legitimate); answers ${statuses}; ${queue.messages.length} queued (${over256KiB} over 256 KiB), ${ignored} comments answered 200 and ignored\n`,
  );
});

describe('webhook handler under arbitrary input (property)', () => {
  it(`never answers 5xx for what the sender did, and answers 2xx exactly when it queued (${RUNS} payloads)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { weight: 3, arbitrary: nearValid },
          { weight: 3, arbitrary: legitimateCase },
          { weight: 2, arbitrary: arbitraryBody },
        ),
        async (testCase) => {
          // Act
          const before = queue.messages.length;
          const response: APIGatewayProxyStructuredResultV2 = await handler(
            httpApiEvent({
              body: testCase.body,
              token: testCase.token,
              isBase64Encoded: testCase.isBase64Encoded,
            }),
            lambdaContext,
          );
          const status = response.statusCode ?? 0;
          payloads += 1;
          if (testCase.legitimate) legitimateCount += 1;
          statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1);
          const queued = queue.messages.slice(before);
          const answer = JSON.parse(response.body ?? '') as {
            status?: string;
            error?: { message?: unknown };
          };

          // Assess
          expect(status).toBeLessThan(500);
          if (status >= 400) {
            expect(typeof answer.error?.message).toBe('string');
            expect(queued).toHaveLength(0);
            expect(testCase.legitimate).toBe(false);
            return;
          }
          expect(status).toBe(200);
          if (answer.status === 'ignored') {
            // Comments are answered 200 and deliberately not queued: they never change stock.
            expect(queued).toHaveLength(0);
            ignored += 1;
            return;
          }
          expect(answer.status).toBe('queued');
          expect(queued).toHaveLength(1);
          const [message] = queued;
          if (message === undefined) return;
          if (Buffer.byteLength(message.body) > 256 * 1024) over256KiB += 1;
          // No claim-check store: a claim-check reference would throw, the notification is queued.
          const resolved = await resolveQueuedNotification(message.body, undefined);
          const sent = JSON.parse(
            Buffer.from(testCase.body, testCase.isBase64Encoded ? 'base64' : 'utf8').toString(
              'utf8',
            ),
          ) as JsonObject;
          expect(resolved).toEqual(expectedQueued(sent));
        },
      ),
      { numRuns: RUNS },
    );
  }, 300_000);
});
