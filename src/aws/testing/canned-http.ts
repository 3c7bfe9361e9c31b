/**
 * Test support: an SDK request handler that answers from a script instead of the network and keeps
 * every request it was given (signed, as it would have gone out).
 */
import { type HttpRequest, HttpResponse } from '@smithy/protocol-http';

export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export class CannedHttpHandler {
  readonly requests: HttpRequest[] = [];
  readonly #responses: CannedResponse[];

  constructor(responses: CannedResponse[]) {
    this.#responses = [...responses];
  }

  async handle(request: HttpRequest): Promise<{ response: HttpResponse }> {
    this.requests.push(request);
    const next = this.#responses.shift();
    if (!next) throw new Error(`no canned response left for request ${this.requests.length}`);
    const text = typeof next.body === 'string' ? next.body : JSON.stringify(next.body);
    return {
      response: new HttpResponse({
        statusCode: next.status,
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-requestid': `req-${this.requests.length}`,
          ...next.headers,
        },
        body: new TextEncoder().encode(text),
      }),
    };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  /** A request's body as text (the SDK hands the handler bytes). */
  static bodyOf(request: HttpRequest): string {
    const body: unknown = request.body;
    return body instanceof Uint8Array ? new TextDecoder().decode(body) : String(body ?? '');
  }

  /** The access key id a request was signed with (from its SigV4 Authorization header). */
  static accessKeyOf(request: HttpRequest): string | undefined {
    const authorization = request.headers.authorization ?? request.headers.Authorization;
    return /Credential=([^/]+)\//.exec(authorization ?? '')?.[1];
  }
}

/** A DynamoDB JSON error body, as the service sends it. */
export function dynamoError(code: string, message: string, status = 400): CannedResponse {
  return {
    status,
    headers: { 'x-amzn-errortype': `${code}:` },
    body: { __type: `com.amazonaws.dynamodb.v20120810#${code}`, message },
  };
}
