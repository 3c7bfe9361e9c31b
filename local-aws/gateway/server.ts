import { randomUUID } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PolicyDocument } from '../../src/core/access-policy.ts';
import { LOCAL_ADMIN_CREDENTIALS } from '../admin.ts';
import type { Session, SessionStore } from '../sessions.ts';
import { assumedRoleArn, authorize } from './authorize.ts';
import { decodeAwsChunked } from './aws-chunked.ts';
import { AwsError, dynamoErrorResponse, s3ErrorResponse } from './aws-errors.ts';
import {
  dynamoFaultResponse,
  type FaultDecision,
  type FaultInjector,
  type FaultRequest,
  type FaultRule,
  s3FaultResponse,
  s3Operation,
  transactItemCount,
} from './faults.ts';
import { dynamoAuthorizationRequests } from './iam/dynamodb-requests.ts';
import type { AuthorizationRequest } from './iam/evaluate.ts';
import { s3AuthorizationRequests } from './iam/s3-requests.ts';
import { checkPublicUpload, isPublicUpload, publicUploadHeaders } from './public-uploads.ts';
import { routeRequest, type ServiceRoute } from './route.ts';
import { type GatewayRequest, requireRegion, verifySigV4 } from './sigv4-verify.ts';
import type { TableSchemaCache } from './table-schemas.ts';

export interface HandlerResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** One line per request, for the stack's log and for tests that want to see decisions. */
export interface GatewayLogEntry {
  service: ServiceRoute['service'];
  operation: string;
  principal: string;
  status: number;
  decision: 'allowed' | 'denied' | 'unauthenticated' | 'unsigned';
  error?: string;
  /** A fault injected into this call (faults.ts). */
  fault?: string;
  ms: number;
}

export interface GatewayOptions {
  port: number;
  host?: string;
  region: string;
  accountId: string;
  dynamoDbUrl: string;
  s3Url: string;
  sessions: SessionStore;
  /** What unsigned requests may do: the bucket policy's public read. */
  anonymousPolicy: PolicyDocument;
  schemas: TableSchemaCache;
  /** Origins allowed to call S3 (for errors the gateway itself answers; s3rver applies bucket CORS). */
  allowedOrigins: () => string[];
  sts: (body: string) => Promise<HandlerResponse>;
  cognito: (target: string, body: string) => Promise<HandlerResponse>;
  onLog?: (entry: GatewayLogEntry) => void;
  /** Fault injection (faults.ts); absent, the gateway never injects a fault. */
  faults?: FaultInjector;
}

export interface Gateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Headers the SDK reads from DynamoDB, STS and Cognito responses in a browser. */
const EXPOSED_HEADERS = 'x-amzn-RequestId, x-amzn-ErrorType, x-amz-crc32, x-amz-request-id, Date';

/**
 * The local stack's single endpoint. Every request is routed by service; DynamoDB and S3 requests are
 * authenticated (SigV4 against the session's secret) and authorized (the session's IAM policy, per item)
 * before they reach DynamoDB Local or the S3 server, which know nothing of either.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      // A reader cancelling an upload (or closing the tab) is routine: one line, no stack trace.
      if (isClientAbort(req, error)) {
        console.error(`[gateway] client aborted ${req.method} ${(req.url ?? '/').split('?')[0]}`);
        return;
      }
      console.error('[gateway] internal error', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('gateway internal error');
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function isClientAbort(req: IncomingMessage, error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ECONNRESET' || code === 'ECONNABORTED' || (req.destroyed && !req.complete);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function send(res: ServerResponse, response: HandlerResponse, extraHeaders: Record<string, string> = {}) {
  res.writeHead(response.status, { ...response.headers, ...extraHeaders });
  res.end(response.body);
}

/** Temporary keys act as an assumed-role session; the admin key is a plain IAM user. */
function principalName(session: Session): string {
  return session.sessionToken ? assumedRoleArn(session.roleArn, session.accessKeyId) : session.roleArn;
}

async function handle(options: GatewayOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const body = await readBody(req);
  const rawUrl = req.url ?? '/';
  const headers = lowerCaseHeaders(req);
  const method = req.method ?? 'GET';
  if (rawUrl.split('?')[0] === FAULTS_PATH) return send(res, handleFaultsAdmin(options.faults, method, body));
  const route = routeRequest({ method, path: rawUrl, headers, body });
  const origin = headers.origin;
  const openCors: Record<string, string> = origin
    ? { 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED_HEADERS }
    : {};
  const log = (entry: Omit<GatewayLogEntry, 'ms' | 'service'>) =>
    options.onLog?.({ ...entry, service: route.service, ms: Math.round(performance.now() - started) });

  switch (route.service) {
    case 'health':
      return send(res, { status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
    case 'preflight':
      // DynamoDB, STS and Cognito Identity accept cross-origin calls from any page, as on AWS.
      res.writeHead(200, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST, PUT, DELETE, HEAD, OPTIONS',
        'access-control-allow-headers': headers['access-control-request-headers'] ?? '*',
        'access-control-expose-headers': EXPOSED_HEADERS,
        'access-control-max-age': '600',
      });
      return void res.end();
    case 'sts': {
      const response = await options.sts(body.toString('utf8'));
      log({
        operation: route.operation,
        principal: 'web-identity',
        status: response.status,
        decision: 'unsigned',
      });
      return send(res, response, openCors);
    }
    case 'cognito-identity': {
      const response = await options.cognito(headers['x-amz-target'] ?? '', body.toString('utf8'));
      log({
        operation: route.operation,
        principal: 'web-identity',
        status: response.status,
        decision: 'unsigned',
      });
      return send(res, response, openCors);
    }
    case 'dynamodb':
      return handleDynamoDb(options, { route, method, rawUrl, headers, body }, res, openCors, log);
    case 's3':
      return handleS3(options, { method, rawUrl, headers, body }, res, log);
  }
}

const FAULTS_PATH = '/_inkwell/faults';
const FAULT_HEADER = 'x-inkwell-fault';

/**
 * Per-request faults for tests: `POST` queues rules (`{ "rules": [{ "service": "dynamodb", "operation":
 * "UpdateItem", "fault": "drop", "times": 1 }] }`), `DELETE` clears them, `GET` reports what was injected.
 * Only when fault injection is on: otherwise 404, as if the endpoint did not exist.
 */
function handleFaultsAdmin(faults: FaultInjector | undefined, method: string, body: Buffer): HandlerResponse {
  const json = (status: number, value: unknown): HandlerResponse => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });
  if (!faults)
    return json(404, { error: 'fault injection is off (INKWELL_FAULTS, npm start -- --faults=...)' });
  try {
    if (method === 'POST') {
      const parsed = JSON.parse(body.toString('utf8') || '{}') as { rules?: FaultRule[] };
      faults.addRules(parsed.rules ?? []);
    } else if (method === 'DELETE') {
      faults.clearRules();
    } else if (method !== 'GET') {
      return json(405, { error: 'GET, POST or DELETE' });
    }
  } catch (error) {
    return json(400, { error: error instanceof Error ? error.message : String(error) });
  }
  return json(200, { ...faults.stats, pendingRules: faults.pendingRules, config: faults.config });
}

/** The fault for one authorized call, after its delay; undefined when fault injection is off. */
async function faultFor(
  options: GatewayOptions,
  request: Omit<FaultRequest, 'header'>,
  headers: Record<string, string>,
): Promise<FaultDecision | undefined> {
  if (!options.faults) return undefined;
  const header = headers[FAULT_HEADER];
  const decision = options.faults.decide({ ...request, ...(header ? { header } : {}) });
  if (decision.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
  return decision;
}

/** A reply lost after the backend committed: the client sees the connection close, nothing else. */
function dropReply(res: ServerResponse): void {
  res.socket?.destroy();
}

function s3OperationOf(request: ParsedRequest): string {
  const [path = '/', query = ''] = request.rawUrl.split(/\?(.*)/s);
  return s3Operation(request.method, path, query);
}

function withoutFaultHeader(headers: Record<string, string>): Record<string, string> {
  const { [FAULT_HEADER]: _fault, ...rest } = headers;
  return rest;
}

interface ParsedRequest {
  method: string;
  rawUrl: string;
  headers: Record<string, string>;
  body: Buffer;
}

function gatewayRequest(request: ParsedRequest): GatewayRequest {
  const [path = '/', query = ''] = request.rawUrl.split(/\?(.*)/s);
  return { method: request.method, path, query, headers: request.headers, body: request.body };
}

type Log = (entry: Omit<GatewayLogEntry, 'ms' | 'service'>) => void;

async function handleDynamoDb(
  options: GatewayOptions,
  request: ParsedRequest & { route: ServiceRoute & { service: 'dynamodb' } },
  res: ServerResponse,
  cors: Record<string, string>,
  log: Log,
): Promise<void> {
  const operation = request.route.operation;
  let principal = 'anonymous';
  let exempt = false;
  try {
    const identity = await verifySigV4(gatewayRequest(request), (key) => options.sessions.get(key));
    if (identity.kind === 'anonymous') {
      throw new AwsError(
        'MissingAuthenticationTokenException',
        'Request is missing Authentication Token',
        400,
      );
    }
    if (identity.service !== 'dynamodb') {
      throw new AwsError(
        'InvalidSignatureException',
        `Credential should be scoped to correct service: 'dynamodb'.`,
        400,
      );
    }
    requireRegion(identity, options.region);
    principal = principalName(identity.session);
    let input: unknown;
    try {
      input = JSON.parse(request.body.toString('utf8') || '{}');
    } catch {
      throw new AwsError('SerializationException', 'Request body is not valid JSON', 400);
    }
    await options.schemas.ensure(input);
    const requests = dynamoAuthorizationRequests(operation, input, (name) => options.schemas.get(name), {
      region: options.region,
      accountId: options.accountId,
    });
    authorize([identity.session.policy], requests, principal, 'dynamodb', identity.session.sessionPolicies);
    exempt = identity.session.accessKeyId === LOCAL_ADMIN_CREDENTIALS.accessKeyId;
  } catch (error) {
    if (!(error instanceof AwsError)) throw error;
    const response = dynamoErrorResponse(error);
    log({ operation, principal, status: response.status, decision: decisionOf(error), error: error.code });
    return send(res, response, cors);
  }
  const fault = await faultFor(options, { service: 'dynamodb', operation, exempt }, request.headers);
  if (fault?.fault && fault.fault !== 'drop') {
    const response = dynamoFaultResponse(fault.fault, operation, {
      draw: fault.draw,
      transactItems: transactItemCount(request.body.toString('utf8')),
      requestId: randomUUID(),
    });
    const code = response.headers['x-amzn-errortype'];
    log({
      operation,
      principal,
      status: response.status,
      decision: 'allowed',
      error: code,
      fault: fault.fault,
    });
    return send(res, response, cors);
  }
  const upstream = await forward(options.dynamoDbUrl, request, withoutFaultHeader(request.headers));
  if (fault?.fault === 'drop') {
    log({ operation, principal, status: upstream.status, decision: 'allowed', fault: 'drop' });
    return dropReply(res);
  }
  log({ operation, principal, status: upstream.status, decision: 'allowed' });
  send(res, upstream, cors);
}

function decisionOf(error: AwsError): GatewayLogEntry['decision'] {
  return /AccessDenied/.test(error.code) ? 'denied' : 'unauthenticated';
}

/** Query parameters that carry a presigned URL's signature; S3 itself never sees them. */
const PRESIGN_PARAMS =
  /^x-amz-(algorithm|credential|date|expires|signedheaders|signature|security-token|checksum-.*|sdk-checksum-algorithm)$/i;

async function handleS3(options: GatewayOptions, request: ParsedRequest, res: ServerResponse, log: Log) {
  const operation = `${request.method} ${request.rawUrl.split('?')[0]}`;
  let principal = 'anonymous';
  // Exempt from random faults: the admin key, and unsigned reads (see faults.ts).
  let exempt = false;
  let writer = false;
  const origin = request.headers.origin;
  const errorCors: Record<string, string> =
    origin && options.allowedOrigins().includes(origin)
      ? {
          'access-control-allow-origin': origin,
          'access-control-expose-headers': 'ETag, x-amz-request-id',
          vary: 'Origin',
        }
      : {};
  if (request.method !== 'OPTIONS') {
    try {
      const identity = await verifySigV4(gatewayRequest(request), (key) => options.sessions.get(key));
      const policy = identity.kind === 'signed' ? identity.session.policy : options.anonymousPolicy;
      exempt = identity.kind !== 'signed';
      const sessionPolicies = identity.kind === 'signed' ? identity.session.sessionPolicies : undefined;
      if (identity.kind === 'signed') {
        if (identity.service !== 's3') {
          throw new AwsError(
            'SignatureDoesNotMatch',
            `Credential should be scoped to correct service: 's3'.`,
            403,
          );
        }
        requireRegion(identity, options.region);
        principal = principalName(identity.session);
        exempt = identity.session.accessKeyId === LOCAL_ADMIN_CREDENTIALS.accessKeyId;
        // Temporary keys are users (writers); the admin key is the operator.
        writer = identity.session.sessionToken !== undefined;
      }
      const { path, query } = gatewayRequest(request);
      const requests: AuthorizationRequest[] = s3AuthorizationRequests(
        request.method,
        path,
        query,
        request.headers,
        request.body,
      );
      // Signed calls also get what the bucket policy grants everyone, as on AWS.
      const bucketPolicy = identity.kind === 'signed' ? [options.anonymousPolicy] : undefined;
      authorize([policy], requests, principal, 's3', sessionPolicies, bucketPolicy);
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      const response = s3ErrorResponse(error, request.rawUrl.split('?')[0] ?? '/');
      log({ operation, principal, status: response.status, decision: decisionOf(error), error: error.code });
      return send(res, response, errorCors);
    }
  }
  const fault =
    request.method === 'OPTIONS'
      ? undefined
      : await faultFor(
          options,
          { service: 's3', operation: s3OperationOf(request), exempt },
          request.headers,
        );
  if (fault?.fault === 'throttle' || fault?.fault === 'error5xx') {
    const response = s3FaultResponse(fault.fault, request.rawUrl.split('?')[0] ?? '/', randomUUID());
    log({
      operation,
      principal,
      status: response.status,
      decision: 'allowed',
      error: fault.fault,
      fault: fault.fault,
    });
    return send(res, request.method === 'HEAD' ? { ...response, body: '' } : response, errorCors);
  }
  // The gateway has authenticated and authorized the call: s3rver gets it unsigned.
  const headers = withoutFaultHeader({ ...request.headers });
  for (const name of ['authorization', 'x-amz-security-token', 'x-amz-date', 'x-amz-content-sha256']) {
    delete headers[name];
  }
  let body = request.body;
  if ((headers['content-encoding'] ?? '').includes('aws-chunked')) {
    body = decodeAwsChunked(body);
    const remaining = (headers['content-encoding'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s && s !== 'aws-chunked');
    if (remaining.length) headers['content-encoding'] = remaining.join(',');
    else delete headers['content-encoding'];
    delete headers['x-amz-decoded-content-length'];
    delete headers['x-amz-trailer'];
  }
  const [path = '/', query = ''] = request.rawUrl.split(/\?(.*)/s);
  const upload = writer
    ? checkPublicUpload(request.method, path, new URLSearchParams(query), headers, body)
    : undefined;
  if (upload?.kind === 'store-as-download') Object.assign(headers, upload.headers);
  const kept = query
    .split('&')
    .filter((pair) => pair && !PRESIGN_PARAMS.test(decodeURIComponent(pair.split('=')[0] ?? '')));
  const url = `${path}${kept.length ? `?${kept.join('&')}` : ''}`;
  const upstream = await forward(options.s3Url, { ...request, rawUrl: url, body }, headers);
  if (upload?.kind === 'refuse-part' && upstream.status === 200) {
    // Refused only once S3 has accepted the part, so S3's own errors (NoSuchUpload) keep precedence;
    // the whole upload goes, since its first bytes can no longer be an image.
    const abort = `${path}?uploadId=${encodeURIComponent(new URLSearchParams(query).get('uploadId') ?? '')}`;
    await forward(options.s3Url, { ...request, method: 'DELETE', rawUrl: abort, body: Buffer.alloc(0) }, {});
    log({
      operation,
      principal,
      status: upload.error.httpStatus,
      decision: 'denied',
      error: upload.error.code,
    });
    return send(res, s3ErrorResponse(upload.error, path), errorCors);
  }
  if (fault?.fault === 'drop') {
    log({ operation, principal, status: upstream.status, decision: 'allowed', fault: 'drop' });
    return dropReply(res);
  }
  if (request.method !== 'OPTIONS') {
    log({ operation, principal, status: upstream.status, decision: 'allowed' });
  }
  const served = (request.method === 'GET' || request.method === 'HEAD') && isPublicUpload(path);
  send(res, upstream, served ? publicUploadHeaders(upstream.headers['content-type']) : {});
}

async function forward(
  baseUrl: string,
  request: ParsedRequest,
  headers: Record<string, string>,
): Promise<HandlerResponse> {
  const target = new URL(request.rawUrl, baseUrl);
  const outgoing: Record<string, string> = {
    ...headers,
    host: target.host,
    'content-length': String(request.body.length),
  };
  delete outgoing['transfer-encoding'];
  delete outgoing.connection;
  return new Promise((resolve, reject) => {
    const upstream = httpRequest(target, { method: request.method, headers: outgoing }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const responseHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (value === undefined || name === 'transfer-encoding' || name === 'connection') continue;
          responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({
          status: response.statusCode ?? 502,
          headers: responseHeaders,
          body: Buffer.concat(chunks),
        });
      });
      response.on('error', reject);
    });
    upstream.on('error', reject);
    upstream.end(request.body);
  });
}
