import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** The raw request body; API Gateway base64-encodes bodies it does not consider text. */
export function requestBody(event: APIGatewayProxyEventV2): Buffer {
  return Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8');
}

/** UTF-8 takes at most 3 bytes per UTF-16 code unit (4 for a surrogate pair's two). */
const MAX_UTF8_BYTES_PER_CODE_UNIT = 3;

/**
 * The request body as UTF-8 text (`requestBody(event).toString('utf8')`), or undefined when
 * that body is over `maxBytes` bytes. When API Gateway passed the body as text (the usual case
 * for JSON) no buffer is made: a well-formed string is its own UTF-8 round trip, and its UTF-8
 * length, what `Buffer.from` would allocate, is only counted when the string is long enough to
 * exceed `maxBytes`. A string with a lone surrogate (which the round trip turns into U+FFFD) and
 * a base64 body still go through the buffer.
 *
 * @example
 * const text = requestText(event, 1024 * 1024);
 * if (text === undefined) throw new PayloadTooLargeError(1024 * 1024);
 */
export function requestText(event: APIGatewayProxyEventV2, maxBytes: number): string | undefined {
  const body = event.body ?? '';
  if (!event.isBase64Encoded && isWellFormed(body)) {
    const mayExceed = body.length * MAX_UTF8_BYTES_PER_CODE_UNIT > maxBytes;
    return mayExceed && Buffer.byteLength(body, 'utf8') > maxBytes ? undefined : body;
  }
  const buffer = requestBody(event);
  return buffer.byteLength > maxBytes ? undefined : buffer.toString('utf8');
}

/** `String.prototype.isWellFormed` (Node 20 and later; ES2024, newer than this project's `lib`). */
function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** A request header by name, whatever case the client (or a local stand-in) used. */
export function requestHeader(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted)?.[1];
}
