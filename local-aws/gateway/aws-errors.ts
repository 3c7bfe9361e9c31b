/**
 * Errors the gateway answers with, spelled the way each AWS service spells them, so that the SDK in the
 * browser parses them into the same exception classes (and the app maps the same `name`s) as against AWS.
 *
 * One failure has different codes per protocol family: a bad signature is `InvalidSignatureException`
 * (400) from DynamoDB but `SignatureDoesNotMatch` (403) from S3. `authErrors(service)` is the single place
 * that knows both spellings; the serializers below only frame an `AwsError` for the wire.
 */
import { randomUUID } from 'node:crypto';

export class AwsError extends Error {
  override readonly name = 'AwsError';
  /** The service's error code, e.g. `AccessDeniedException` or `SignatureDoesNotMatch`. */
  readonly code: string;
  readonly httpStatus: number;
  /** Extra fields S3 puts in its `<Error>` body (e.g. `AWSAccessKeyId`, `CanonicalRequest`). */
  readonly details: Readonly<Record<string, string>>;

  constructor(
    code: string,
    message: string,
    httpStatus: number,
    options: { details?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.httpStatus = httpStatus;
    this.details = options.details ?? {};
  }
}

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Which family of error codes a service uses for authentication failures: S3 has its own; DynamoDB,
 * Cognito and most JSON services share the `...Exception` names of AWS's common service framework.
 */
export type AuthDialect = 's3' | 'json';

export function authDialect(service: string): AuthDialect {
  return service === 's3' ? 's3' : 'json';
}

/** Factories for the authentication errors SigV4 verification can raise, per dialect. */
export function authErrors(dialect: AuthDialect) {
  const s3 = dialect === 's3';
  return {
    /** No session with that access key id (or a temporary key presented without its token). */
    unknownAccessKey(accessKeyId: string): AwsError {
      return s3
        ? new AwsError(
            'InvalidAccessKeyId',
            'The AWS Access Key Id you provided does not exist in our records.',
            403,
            {
              details: { AWSAccessKeyId: accessKeyId },
            },
          )
        : new AwsError(
            'UnrecognizedClientException',
            'The security token included in the request is invalid.',
            400,
          );
    },
    /** The session token presented does not belong to the access key. */
    invalidToken(): AwsError {
      return s3
        ? new AwsError('InvalidToken', 'The provided token is malformed or otherwise invalid.', 400)
        : new AwsError(
            'UnrecognizedClientException',
            'The security token included in the request is invalid.',
            400,
          );
    },
    expiredToken(): AwsError {
      return s3
        ? new AwsError('ExpiredToken', 'The provided token has expired.', 400)
        : new AwsError('ExpiredTokenException', 'The security token included in the request is expired', 400);
    },
    signatureMismatch(debug: { canonicalRequest: string; stringToSign: string }): AwsError {
      // S3 hands the canonical request back, which is what makes signing bugs debuggable; so do we.
      return s3
        ? new AwsError(
            'SignatureDoesNotMatch',
            'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
            403,
            { details: { StringToSign: debug.stringToSign, CanonicalRequest: debug.canonicalRequest } },
          )
        : new AwsError(
            'InvalidSignatureException',
            'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
            400,
          );
    },
    /** The Authorization header or presigning parameters are not well-formed SigV4. */
    malformed(message: string, presigned: boolean): AwsError {
      if (!s3) return new AwsError('IncompleteSignatureException', message, 400);
      return presigned
        ? new AwsError('AuthorizationQueryParametersError', message, 400)
        : new AwsError(
            'AuthorizationHeaderMalformed',
            `The authorization header is malformed; ${message}`,
            400,
          );
    },
    unsupportedAlgorithm(): AwsError {
      return s3
        ? new AwsError(
            'InvalidRequest',
            'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.',
            400,
          )
        : new AwsError(
            'IncompleteSignatureException',
            'Only AWS4-HMAC-SHA256 signatures are supported.',
            400,
          );
    },
    /** A signed call whose date is more than 15 minutes away from the server's clock. */
    skewed(requestTime: string, now: Date, limit: Date): AwsError {
      if (s3) {
        return new AwsError(
          'RequestTimeTooSkewed',
          'The difference between the request time and the current time is too large.',
          403,
          {
            details: {
              RequestTime: requestTime,
              ServerTime: now.toISOString(),
              MaxAllowedSkewMilliseconds: '900000',
            },
          },
        );
      }
      const stamp = (d: Date) => d.toISOString().replace(/[-:]|\.\d{3}/g, '');
      const message =
        limit < now
          ? `Signature expired: ${requestTime} is now earlier than ${stamp(limit)} (${stamp(now)} - 15 min.)`
          : `Signature not yet current: ${requestTime} is still later than ${stamp(limit)} (${stamp(now)} + 15 min.)`;
      return new AwsError('InvalidSignatureException', message, 400);
    },
    /** A presigned URL used after X-Amz-Date + X-Amz-Expires. */
    presignedExpired(expiresSeconds: string, expiresAt: Date, now: Date): AwsError {
      return s3
        ? new AwsError('AccessDenied', 'Request has expired', 403, {
            details: {
              'X-Amz-Expires': expiresSeconds,
              Expires: expiresAt.toISOString(),
              ServerTime: now.toISOString(),
            },
          })
        : new AwsError('InvalidSignatureException', 'Signature expired', 400);
    },
    /** S3 refuses x-amz-* headers that were sent but not signed: they would change meaning unverified. */
    unsignedHeaders(names: string[]): AwsError {
      return new AwsError(
        'AccessDenied',
        'There were headers present in the request which were not signed',
        403,
        {
          details: { HeadersNotSigned: names.join(', ') },
        },
      );
    },
    /** The body does not hash to the signed x-amz-content-sha256. */
    contentHashMismatch(claimed: string, computed: string): AwsError {
      return s3
        ? new AwsError(
            'XAmzContentSHA256Mismatch',
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
            400,
            { details: { ClientComputedContentSHA256: claimed, S3ComputedContentSHA256: computed } },
          )
        : new AwsError(
            'InvalidSignatureException',
            'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
            400,
          );
    },
    /** No credentials where the service requires them (DynamoDB never allows anonymous calls). */
    missingAuthentication(): AwsError {
      return s3
        ? new AwsError('AccessDenied', 'Access Denied', 403)
        : new AwsError('MissingAuthenticationTokenException', 'Request is missing Authentication Token', 400);
    },
  };
}

/** DynamoDB's ValidationException: malformed input the gateway cannot authorize. */
export function validationError(message: string): AwsError {
  return new AwsError('ValidationException', message, 400);
}

/**
 * `__type` namespaces as DynamoDB returns them: errors raised by AWS's service framework (auth, access)
 * and by input validation carry `com.amazon.coral.*`, the service's own modelled errors its API
 * namespace. The SDK keeps only what follows `#`, so the namespace is for fidelity, not parsing.
 */
const CORAL_SERVICE_ERRORS = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
]);

function dynamoErrorType(code: string): string {
  if (CORAL_SERVICE_ERRORS.has(code)) return `com.amazon.coral.service#${code}`;
  if (code === 'ValidationException') return `com.amazon.coral.validate#${code}`;
  return `com.amazonaws.dynamodb.v20120810#${code}`;
}

/** DynamoDB, JSON 1.0 protocol. */
export function dynamoErrorResponse(err: AwsError, requestId: string = randomUUID()): ErrorResponse {
  const type = dynamoErrorType(err.code);
  // Framework errors say `Message`, modelled ones `message`; the SDK reads either.
  const messageField = type.startsWith('com.amazon.coral.service#') ? 'Message' : 'message';
  return {
    status: err.httpStatus,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-errortype': err.code,
      'x-amzn-requestid': requestId,
    },
    body: JSON.stringify({ __type: type, [messageField]: err.message }),
  };
}

/** Cognito Identity, JSON 1.1 protocol: the bare code as `__type`. */
export function cognitoErrorResponse(err: AwsError, requestId: string = randomUUID()): ErrorResponse {
  return {
    status: err.httpStatus,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-errortype': err.code,
      'x-amzn-requestid': requestId,
    },
    body: JSON.stringify({ __type: err.code, message: err.message }),
  };
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function xmlElements(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
}

/**
 * S3, REST-XML protocol. `resource` is the request path (`/bucket/key`), which S3 echoes. A HEAD
 * response must not carry this body: the caller sends only the status and headers then.
 */
export function s3ErrorResponse(
  err: AwsError,
  resource: string,
  requestId: string = randomUUID(),
): ErrorResponse {
  const fields = {
    Code: err.code,
    Message: err.message,
    ...err.details,
    Resource: resource,
    RequestId: requestId,
  };
  return {
    status: err.httpStatus,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${xmlElements(fields)}</Error>`,
  };
}

/** STS, query protocol: `Sender` faults are the caller's (4xx), `Receiver` faults the service's. */
export function stsErrorResponse(err: AwsError, requestId: string = randomUUID()): ErrorResponse {
  const error = xmlElements({
    Type: err.httpStatus < 500 ? 'Sender' : 'Receiver',
    Code: err.code,
    Message: err.message,
  });
  return {
    status: err.httpStatus,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body:
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">' +
      `<Error>${error}</Error>${xmlElements({ RequestId: requestId })}</ErrorResponse>`,
  };
}
