/**
 * AWS Signature Version 4 verification, as AWS does it for a request reaching the gateway: either an
 * `Authorization: AWS4-HMAC-SHA256 ...` header or a presigned URL's `X-Amz-*` query parameters.
 *
 * The signature is recomputed with the same library the SDK signs with (@smithy/signature-v4), from the
 * request exactly as received, so any difference in canonicalisation shows up here first rather than on
 * AWS. Spec: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import { createHash, createHmac, type Hash, type Hmac, timingSafeEqual } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { getCanonicalHeaders, SignatureV4 } from '@smithy/signature-v4';
import type { Session } from '../sessions.ts';
import { type AuthDialect, AwsError, authDialect, authErrors } from './aws-errors.ts';

export interface GatewayRequest {
  method: string;
  /** The raw path, percent-encoded as received, without the query string. */
  path: string;
  /** The raw query string (without `?`) or already-parsed parameters. */
  query: string | URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: Uint8Array;
}

export type Caller =
  | { kind: 'anonymous' }
  | { kind: 'signed'; session: Session; service: string; region: string; presigned: boolean };

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;
const MAX_PRESIGNED_SECONDS = 7 * 24 * 60 * 60;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Decodes a query into ordered name/value pairs. A raw string is split by hand rather than with
 * URLSearchParams, which would turn `+` into a space: SigV4 canonicalises `+` as `%2B`.
 */
export function queryParams(query: string | URLSearchParams): [string, string][] {
  if (typeof query !== 'string') return [...query.entries()];
  const raw = query.startsWith('?') ? query.slice(1) : query;
  if (raw === '') return [];
  return raw.split('&').map((part) => {
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    return [percentDecode(name), percentDecode(value)];
  });
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // Malformed escapes stay as sent; the canonical form then differs and the signature fails.
    return text;
  }
}

/** RFC 3986 escaping as SigV4 (and smithy's escapeUri) does it. */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** node:crypto behind the hash interface SignatureV4 expects (an HMAC when given a secret). */
class NodeSha256 {
  readonly #secret: string | Uint8Array | undefined;
  #hash: Hash | Hmac;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#secret =
      secret === undefined || typeof secret === 'string'
        ? secret
        : ArrayBuffer.isView(secret)
          ? new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength)
          : new Uint8Array(secret);
    this.#hash = this.#fresh();
  }

  #fresh(): Hash | Hmac {
    return this.#secret === undefined ? createHash('sha256') : createHmac('sha256', this.#secret);
  }

  update(data: Uint8Array | string): void {
    this.#hash.update(data);
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }

  reset(): void {
    this.#hash = this.#fresh();
  }
}

interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
}

interface ParsedAuth {
  presigned: boolean;
  scope: CredentialScope;
  signedHeaders: string[];
  signature: string;
  /** The request time as sent, ISO 8601 basic (`20260101T000000Z`). */
  longDate: string;
  signingDate: Date;
  /** Presigned URLs only: seconds of validity after signingDate. */
  expires?: string;
  sessionToken: string | undefined;
  params: [string, string][];
}

/** Exposes the canonical-request steps SignatureV4 keeps protected, to recompute rather than re-sign. */
class SignatureCalculator extends SignatureV4 {
  async calculate(
    request: HttpRequest,
    canonicalHeaders: Record<string, string>,
    payloadHash: string,
    auth: ParsedAuth,
  ) {
    const { date, region, service } = auth.scope;
    const canonicalRequest = this.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const scope = `${date}/${region}/${service}/aws4_request`;
    const stringToSign = await this.createStringToSign(auth.longDate, scope, canonicalRequest, ALGORITHM);
    const signature = await this.sign(stringToSign, {
      signingDate: auth.signingDate,
      signingRegion: region,
      signingService: service,
    });
    return { signature, canonicalRequest, stringToSign };
  }
}

/**
 * Authenticates a request: anonymous when it carries no SigV4 at all, otherwise the session whose key
 * signed it. Throws `AwsError` in the dialect of the service named in the credential scope.
 */
export async function verifySigV4(
  request: GatewayRequest,
  lookup: (accessKeyId: string) => Session | undefined,
  now: Date = new Date(),
): Promise<Caller> {
  const params = queryParams(request.query);
  const authorization = request.headers.authorization;
  const presigned = params.some(([name]) => PRESIGN_MARKERS.has(name));
  if (authorization === undefined && !presigned) return { kind: 'anonymous' };

  const fallback = guessDialect(request);
  if (authorization !== undefined && presigned) {
    throw new AwsError(
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      400,
    );
  }
  const auth =
    authorization !== undefined
      ? parseAuthorizationHeader(authorization, request.headers, params, fallback)
      : parsePresignedQuery(params, fallback);
  const dialect = authDialect(auth.scope.service);
  const errors = authErrors(dialect);

  checkTime(auth, now, dialect);

  const session = lookup(auth.scope.accessKeyId);
  if (session === undefined) throw errors.unknownAccessKey(auth.scope.accessKeyId);
  if (session.sessionToken !== undefined && auth.sessionToken === undefined) {
    // AWS does not find a temporary key at all without its token.
    throw errors.unknownAccessKey(auth.scope.accessKeyId);
  }
  if (auth.sessionToken !== undefined && !sameSecret(auth.sessionToken, session.sessionToken ?? '')) {
    throw errors.invalidToken();
  }
  if (session.expiration !== undefined && session.expiration.getTime() <= now.getTime()) {
    throw errors.expiredToken();
  }

  checkSignedHeaders(auth, request.headers, dialect);
  const bodyHash = createHash('sha256').update(request.body).digest('hex');
  const payloadHash = claimedPayloadHash(auth, request.headers, bodyHash, dialect);

  const calculator = new SignatureCalculator({
    service: auth.scope.service,
    region: auth.scope.region,
    credentials: { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey },
    sha256: NodeSha256,
    // S3 signs the path as sent; every other service escapes it once more (see SignatureV4Init).
    uriEscapePath: dialect !== 's3',
    applyChecksum: false,
  });
  const signedOnly: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    if (value !== undefined) signedOnly[name] = value;
  }
  const query = queryObject(auth.params);
  let firstAttempt: { canonicalRequest: string; stringToSign: string } | undefined;
  for (const path of canonicalPathCandidates(request.path, dialect)) {
    const httpRequest = new HttpRequest({ method: request.method, path, query, headers: signedOnly });
    const canonicalHeaders = getCanonicalHeaders(httpRequest, undefined, new Set(auth.signedHeaders));
    const computed = await calculator.calculate(httpRequest, canonicalHeaders, payloadHash, auth);
    firstAttempt ??= computed;
    if (sameSignature(computed.signature, auth.signature)) {
      // Only a verified signature vouches for the claimed hash; now hold the body to it.
      if (SHA256_HEX.test(payloadHash) && payloadHash !== bodyHash) {
        throw errors.contentHashMismatch(payloadHash, bodyHash);
      }
      return {
        kind: 'signed',
        session,
        service: auth.scope.service,
        region: auth.scope.region,
        presigned: auth.presigned,
      };
    }
  }
  throw errors.signatureMismatch(firstAttempt ?? { canonicalRequest: '', stringToSign: '' });
}

/**
 * AWS refuses a signature whose credential scope names another region than the endpoint's, even when
 * it verifies: a client configured for the wrong region fails on AWS, so it must fail here too. The
 * errors are the services' own: DynamoDB's InvalidSignatureException, S3's AuthorizationHeaderMalformed
 * (AuthorizationQueryParametersError for a presigned URL) naming the region it expected.
 */
export function requireRegion(caller: Caller, expected: string): void {
  if (caller.kind !== 'signed' || caller.region === expected) return;
  if (authDialect(caller.service) !== 's3') {
    throw new AwsError('InvalidSignatureException', 'Credential should be scoped to a valid region. ', 400);
  }
  throw caller.presigned
    ? new AwsError(
        'AuthorizationQueryParametersError',
        `Error parsing the X-Amz-Credential parameter; the region '${caller.region}' is wrong; expecting '${expected}'`,
        400,
      )
    : new AwsError(
        'AuthorizationHeaderMalformed',
        `The authorization header is malformed; the region '${caller.region}' is wrong; expecting '${expected}'`,
        400,
      );
}

const PRESIGN_MARKERS = new Set(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Signature']);

/** Before a credential scope is readable the service is unknown; DynamoDB calls always name a target. */
function guessDialect(request: GatewayRequest): AuthDialect {
  return request.headers['x-amz-target'] !== undefined ? 'json' : 's3';
}

function parseCredential(value: string, fallback: AuthDialect, presigned: boolean): CredentialScope {
  const parts = value.split('/');
  const [accessKeyId, date, region, service, terminator] = parts;
  const dialect = service === undefined ? fallback : authDialect(service);
  if (
    parts.length !== 5 ||
    !accessKeyId ||
    !date ||
    !region ||
    !service ||
    terminator !== 'aws4_request' ||
    !/^\d{8}$/.test(date)
  ) {
    throw authErrors(dialect).malformed(
      `Credential should be scoped to a valid region and service, in the form <key>/<YYYYMMDD>/<region>/<service>/aws4_request; got '${value}'.`,
      presigned,
    );
  }
  return { accessKeyId, date, region, service };
}

function parseAuthorizationHeader(
  value: string,
  headers: Record<string, string>,
  params: [string, string][],
  fallback: AuthDialect,
): ParsedAuth {
  const match = /^AWS4-HMAC-SHA256\s+(.*)$/s.exec(value.trim());
  if (match === null) {
    throw value.startsWith('AWS')
      ? authErrors(fallback).unsupportedAlgorithm()
      : authErrors(fallback).malformed(
          `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${value}`,
          false,
        );
  }
  const fields = new Map<string, string>();
  for (const component of (match[1] ?? '').split(',')) {
    const eq = component.indexOf('=');
    if (eq > 0) fields.set(component.slice(0, eq).trim(), component.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const dialect = credential === undefined ? fallback : authDialect(credential.split('/')[3] ?? '');
  const missing = [
    ['Credential', credential],
    ['Signature', signature],
    ['SignedHeaders', signedHeaders],
  ]
    .filter(([, v]) => !v)
    .map(([name]) => `Authorization header requires '${name}' parameter.`);
  if (
    missing.length > 0 ||
    credential === undefined ||
    signedHeaders === undefined ||
    signature === undefined
  ) {
    throw authErrors(dialect).malformed(`${missing.join(' ')} Authorization=${value}`, false);
  }
  const scope = parseCredential(credential, fallback, false);
  const { longDate, signingDate } = requestDate(headers, authDialect(scope.service));
  return {
    presigned: false,
    scope,
    signedHeaders: signedHeaders.split(';'),
    signature,
    longDate,
    signingDate,
    sessionToken: headers['x-amz-security-token'],
    params,
  };
}

function parseBasicIso(text: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function toBasicIso(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d{3}/g, '');
}

/** The signing time of a header-signed request: X-Amz-Date, or failing that the HTTP Date header. */
function requestDate(
  headers: Record<string, string>,
  dialect: AuthDialect,
): { longDate: string; signingDate: Date } {
  const amzDate = headers['x-amz-date'];
  if (amzDate !== undefined) {
    const signingDate = parseBasicIso(amzDate);
    if (signingDate === undefined) {
      throw authErrors(dialect).malformed(
        `X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"; got '${amzDate}'.`,
        false,
      );
    }
    return { longDate: amzDate, signingDate };
  }
  const httpDate = headers.date;
  const parsed = httpDate === undefined ? Number.NaN : Date.parse(httpDate);
  if (Number.isNaN(parsed)) {
    throw dialect === 's3'
      ? new AwsError('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header', 403)
      : authErrors(dialect).malformed(
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
          false,
        );
  }
  const signingDate = new Date(parsed);
  return { longDate: toBasicIso(signingDate), signingDate };
}

function parsePresignedQuery(params: [string, string][], fallback: AuthDialect): ParsedAuth {
  const get = (name: string) => params.find(([n]) => n === name)?.[1];
  const credentialValue = get('X-Amz-Credential');
  const dialect = credentialValue === undefined ? fallback : authDialect(credentialValue.split('/')[3] ?? '');
  const errors = authErrors(dialect);
  const algorithm = get('X-Amz-Algorithm');
  if (algorithm !== undefined && algorithm !== ALGORITHM) {
    throw errors.malformed('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"', true);
  }
  const signature = get('X-Amz-Signature');
  const dateText = get('X-Amz-Date');
  const signedHeaders = get('X-Amz-SignedHeaders');
  const expires = get('X-Amz-Expires');
  if (
    algorithm === undefined ||
    credentialValue === undefined ||
    signature === undefined ||
    dateText === undefined ||
    signedHeaders === undefined ||
    (dialect === 's3' && expires === undefined)
  ) {
    throw errors.malformed(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
      true,
    );
  }
  if (expires !== undefined) {
    if (!/^\d+$/.test(expires)) throw errors.malformed('X-Amz-Expires should be a number', true);
    if (Number(expires) > MAX_PRESIGNED_SECONDS) {
      throw errors.malformed('X-Amz-Expires must be less than a week (in seconds) that is 604800', true);
    }
  }
  const signingDate = parseBasicIso(dateText);
  if (signingDate === undefined) {
    throw errors.malformed(`X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd'T'HHmmss'Z'"`, true);
  }
  return {
    presigned: true,
    scope: parseCredential(credentialValue, fallback, true),
    signedHeaders: signedHeaders.split(';'),
    signature,
    longDate: dateText,
    signingDate,
    ...(expires === undefined ? {} : { expires }),
    sessionToken: get('X-Amz-Security-Token'),
    params,
  };
}

function checkTime(auth: ParsedAuth, now: Date, dialect: AuthDialect): void {
  const errors = authErrors(dialect);
  if (auth.scope.date !== auth.longDate.slice(0, 8)) {
    throw errors.malformed(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scope.date}' != '${auth.longDate.slice(0, 8)}', from '${auth.longDate}'.`,
      auth.presigned,
    );
  }
  const signedAt = auth.signingDate.getTime();
  if (auth.presigned && auth.expires !== undefined) {
    if (signedAt > now.getTime() + MAX_SKEW_MS) {
      throw dialect === 's3'
        ? new AwsError('AccessDenied', 'Request is not valid yet', 403)
        : errors.skewed(auth.longDate, now, new Date(now.getTime() + MAX_SKEW_MS));
    }
    const expiresAt = new Date(signedAt + Number(auth.expires) * 1000);
    if (now.getTime() > expiresAt.getTime()) throw errors.presignedExpired(auth.expires, expiresAt, now);
    return;
  }
  if (signedAt < now.getTime() - MAX_SKEW_MS) {
    throw errors.skewed(auth.longDate, now, new Date(now.getTime() - MAX_SKEW_MS));
  }
  if (signedAt > now.getTime() + MAX_SKEW_MS) {
    throw errors.skewed(auth.longDate, now, new Date(now.getTime() + MAX_SKEW_MS));
  }
}

function checkSignedHeaders(auth: ParsedAuth, headers: Record<string, string>, dialect: AuthDialect): void {
  const signed = new Set(auth.signedHeaders);
  if (!signed.has('host') && !signed.has(':authority')) {
    throw authErrors(dialect).malformed(
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
      auth.presigned,
    );
  }
  if (dialect === 's3') {
    const unsigned = Object.keys(headers).filter((name) => name.startsWith('x-amz-') && !signed.has(name));
    if (unsigned.length > 0) throw authErrors(dialect).unsignedHeaders(unsigned);
  }
}

/**
 * The payload hash the signer used: x-amz-content-sha256 literally when sent (S3 requires it and also
 * accepts UNSIGNED-PAYLOAD and the STREAMING-* forms), otherwise the hash of the body. A presigned S3 URL
 * never covers a body. Other services only accept a real hash, so a body cannot ride along unsigned.
 */
function claimedPayloadHash(
  auth: ParsedAuth,
  headers: Record<string, string>,
  bodyHash: string,
  dialect: AuthDialect,
): string {
  const fromQuery = auth.presigned
    ? auth.params.find(([name]) => name.toLowerCase() === 'x-amz-content-sha256')?.[1]
    : undefined;
  const claimed = fromQuery ?? headers['x-amz-content-sha256'];
  if (claimed === undefined) {
    if (dialect !== 's3') return bodyHash;
    if (auth.presigned) return UNSIGNED_PAYLOAD;
    throw new AwsError(
      'InvalidRequest',
      'Missing required header for this request: x-amz-content-sha256',
      400,
    );
  }
  if (SHA256_HEX.test(claimed)) return claimed;
  if (dialect === 's3' && (claimed === UNSIGNED_PAYLOAD || claimed.startsWith('STREAMING-'))) return claimed;
  if (dialect === 's3') {
    throw new AwsError(
      'InvalidArgument',
      'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
      400,
    );
  }
  throw authErrors(dialect).contentHashMismatch(claimed, bodyHash);
}

function queryObject(params: [string, string][]): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const existing = query[name];
    query[name] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

/**
 * S3 signs the path as the client encoded it. The SDK encodes every reserved character, but other
 * clients may leave some (`:` for instance) bare, and S3 then canonicalises the decoded key; trying
 * both forms accepts either without weakening anything, since both name the same key.
 */
function canonicalPathCandidates(rawPath: string, dialect: AuthDialect): string[] {
  const path = rawPath === '' ? '/' : rawPath;
  if (dialect !== 's3') return [path];
  const normalized = path
    .split('/')
    .map((segment) => escapeUri(percentDecode(segment)))
    .join('/');
  return normalized === path ? [path] : [path, normalized];
}

function sameSignature(computed: string, provided: string): boolean {
  const a = Buffer.from(computed, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Constant-time comparison of secrets of any length (hashing first evens out the lengths). */
function sameSecret(provided: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(provided), digest(expected));
}
