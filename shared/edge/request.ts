import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The raw request body; API Gateway base64-encodes bodies it does not consider text. */
export function requestBody(event: APIGatewayProxyEventV2): Buffer {
  return Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
}

/** A request header by name, whatever case the client (or a local stand-in) used. */
export function requestHeader(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted)?.[1];
}
