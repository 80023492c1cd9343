import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import {
  LEARNING_REPORT_JSON_PATH,
  LEARNING_REPORT_PATH,
  learningReportRoutes,
} from '../../local/learning-report-route';
import { sampleLearningReport } from '../fixtures/learning-report';

/** The local stack's `/report` routes: the page with its headers, and the same model as JSON. */

const NOW = new Date('2026-12-01T00:00:00Z');

function routesWith() {
  const asked: Date[] = [];
  const routes = learningReportRoutes({
    build: async (now) => {
      asked.push(now);
      return sampleLearningReport();
    },
    timeZone: 'Asia/Tokyo',
    now: () => NOW,
  });
  const call = async (path: string) => {
    const route = routes.find((candidate) => candidate.path === path);
    if (!route) throw new Error(`no route ${path}`);
    return route.handler({ headers: {} } as APIGatewayProxyEventV2, {} as Context);
  };
  return { call, asked };
}

test('GET /report renders the page as of now, with the policy that allows only its stylesheet', async () => {
  // Prepare
  const { call, asked } = routesWith();

  // Act
  const response = await call(LEARNING_REPORT_PATH);

  // Assess
  expect(response.statusCode).toBe(200);
  expect(response.headers?.['content-type']).toBe('text/html; charset=utf-8');
  expect(response.headers?.['content-security-policy']).toMatch(
    /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; .*frame-ancestors 'none'$/,
  );
  expect(response.body).toContain('（ローカル環境）');
  expect(response.body).toContain('data-sku="A-100"');
  expect(asked).toEqual([NOW]);
});

test('GET /report.json returns the same view model', async () => {
  const { call } = routesWith();

  const response = await call(LEARNING_REPORT_JSON_PATH);

  expect(response.headers?.['content-type']).toBe('application/json; charset=utf-8');
  expect(JSON.parse(response.body ?? '')).toEqual(
    JSON.parse(JSON.stringify(sampleLearningReport())),
  );
});
