/**
 * When AWS says the keys a call was signed with are expired or unknown, get new keys and send the
 * call once more.
 *
 * It sits in the `initialize` step, outside the SDK's retry loop and before
 * `httpAuthSchemeMiddleware` (serialize step), which is where the SDK asks the credential provider for
 * an identity. Calling `next` again therefore re-runs serialization, identity resolution and
 * `httpSigningMiddleware`: the retry is signed from scratch with whatever the provider returns after
 * `invalidate()`. (A middleware in `finalizeRequest` would re-sign with the identity already chosen for
 * the call.) The provider must not be cached again by the SDK: see `RefreshingCredentials`.
 */
import type {
  AbsoluteLocation,
  AwsCredentialIdentity,
  HandlerExecutionContext,
  InitializeHandlerOptions,
  InitializeMiddleware,
  MetadataBearer,
} from '@smithy/types';
import type { InvalidatableCredentials } from '../refreshing-credentials.ts';
import { callNotes, errorCodeOf, metadataOf } from './call-notes.ts';
import type { ClientPlugin } from './client-plugin.ts';

/** Codes AWS services use for keys that have expired or that the service no longer knows. */
const EXPIRED_CREDENTIAL_CODES = new Set([
  'ExpiredTokenException', // DynamoDB, STS
  'ExpiredToken', // S3
  'UnrecognizedClientException', // DynamoDB: unknown access key or session token
  'InvalidClientTokenId', // query-protocol services
  'InvalidAccessKeyId', // S3: unknown access key
  'InvalidToken', // S3: malformed or invalid session token
]);

export function isExpiredCredentialsError(error: unknown): boolean {
  const code = errorCodeOf(error);
  const message = error instanceof Error ? error.message : '';
  return (
    EXPIRED_CREDENTIAL_CODES.has(code) ||
    (code === 'InvalidSignatureException' && /expired/i.test(message)) ||
    /security token included in the request is expired/i.test(message)
  );
}

export const expiredCredentialsRetryMiddlewareOptions: InitializeHandlerOptions & AbsoluteLocation = {
  step: 'initialize',
  priority: 'low',
  name: 'inkExpiredCredentialsRetry',
  tags: ['INK', 'RETRY', 'CREDENTIALS'],
  override: true,
};

/** A streamed body is consumed by the first attempt; sending it again would send nothing. */
function hasOneShotBody(input: object): boolean {
  const body = (input as { Body?: unknown }).Body;
  return typeof body === 'object' && body !== null && ('getReader' in body || 'pipe' in body);
}

function identityUsed(context: HandlerExecutionContext): AwsCredentialIdentity | undefined {
  const identity = context.__smithy_context?.selectedHttpAuthScheme?.identity as
    | AwsCredentialIdentity
    | undefined;
  return identity && typeof identity.accessKeyId === 'string' ? identity : undefined;
}

export const expiredCredentialsRetryMiddleware =
  (credentials: InvalidatableCredentials): InitializeMiddleware<object, MetadataBearer> =>
  (next, context) =>
  async (args) => {
    try {
      return await next(args);
    } catch (error) {
      if (!isExpiredCredentialsError(error) || hasOneShotBody(args.input)) throw error;
      const notes = callNotes(context);
      const metadata = metadataOf(error);
      notes.priorAttempts += metadata?.attempts ?? 1;
      notes.priorRetryDelayMs += metadata?.totalRetryDelay ?? 0;
      notes.credentialsRefreshed = true;
      const rejected = identityUsed(context);
      credentials.invalidate(rejected ? { accessKeyId: rejected.accessKeyId } : undefined);
      context.logger?.debug?.(`${context.commandName}: ${errorCodeOf(error)}; retrying with new credentials`);
      return next(args);
    }
  };

export function getExpiredCredentialsRetryPlugin(credentials: InvalidatableCredentials): ClientPlugin {
  return {
    applyToStack(stack) {
      stack.add(expiredCredentialsRetryMiddleware(credentials), expiredCredentialsRetryMiddlewareOptions);
    },
  };
}
