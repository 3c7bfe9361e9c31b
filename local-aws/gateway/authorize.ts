/**
 * The gateway's authorization step: every request a call implies must be allowed by the caller's
 * policies (and session policies, when the session has any), or the call fails with the service's own access-denied error naming the first refusal.
 */
import { AwsError } from './aws-errors.ts';
import {
  type AuthorizationRequest,
  type Decision,
  type EvaluablePolicy,
  evaluatePolicies,
  PolicyError,
} from './iam/evaluate.ts';

export type AuthorizedService = 'dynamodb' | 's3';

type RefusedBy = 'identity' | 'session';

/**
 * Throws AccessDeniedException (DynamoDB, 400) or AccessDenied (S3, 403) unless every request is
 * allowed. `principalArn` is undefined (or `anonymous`) for anonymous callers. An empty request list is refused: a call
 * that implies nothing to authorize is a bug in the request mapping, not a free pass. A policy the
 * evaluator cannot read becomes the service's internal error (500), never an allow.
 */
export function authorize(
  policies: readonly EvaluablePolicy[],
  requests: readonly AuthorizationRequest[],
  principalArn: string | undefined,
  service: AuthorizedService,
  sessionPolicies?: readonly EvaluablePolicy[],
  /**
   * Resource-based policies with `Principal: "*"` (the bucket policy), for signed same-account calls:
   * their allow suffices on its own, their explicit deny refuses. Session policies still limit them
   * (AWS says so for grants to a role; for `"*"` the gateway takes the stricter reading).
   */
  resourcePolicies?: readonly EvaluablePolicy[],
): void {
  if (requests.length === 0) throw accessDenied(service, principalArn, undefined, 'ImplicitDeny');
  for (const request of requests) {
    let decision: Decision;
    let refusedBy: RefusedBy = 'identity';
    try {
      decision = evaluatePolicies(policies, request);
      if (sessionPolicies !== undefined && decision !== 'ExplicitDeny') {
        // The effective permissions are the intersection: both sides must allow, a deny on either wins.
        const scoped = evaluatePolicies(sessionPolicies, request);
        if (scoped !== 'Allow' && (decision === 'Allow' || scoped === 'ExplicitDeny')) {
          decision = scoped;
          refusedBy = 'session';
        }
      }
      if (resourcePolicies !== undefined && decision !== 'ExplicitDeny') {
        const byResource = evaluatePolicies(resourcePolicies, request);
        if (byResource === 'ExplicitDeny') decision = 'ExplicitDeny';
        else if (byResource === 'Allow' && decision === 'ImplicitDeny' && sessionPolicies === undefined)
          decision = 'Allow';
      }
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      throw service === 's3'
        ? new AwsError('InternalError', 'We encountered an internal error. Please try again.', 500, {
            cause: error,
          })
        : new AwsError('InternalServerError', 'Internal server error', 500, { cause: error });
    }
    if (decision === 'Allow' && request.failClosed === undefined) continue;
    throw accessDenied(service, principalArn, request, decision, refusedBy);
  }
}

function accessDenied(
  service: AuthorizedService,
  principalArn: string | undefined,
  request: AuthorizationRequest | undefined,
  decision: Decision,
  refusedBy: RefusedBy = 'identity',
): AwsError {
  // An unsigned S3 call gets S3's bare message; `anonymous` is how AWS logs such a caller.
  const anonymous = principalArn === undefined || principalArn === 'anonymous';
  if (request === undefined || (anonymous && service === 's3')) {
    return service === 's3'
      ? new AwsError('AccessDenied', 'Access Denied', 403)
      : new AwsError('AccessDeniedException', 'Access Denied', 400);
  }
  const { action } = request;
  // S3 quotes the resource in its message; DynamoDB does not.
  const resource = service === 's3' ? `"${request.resource}"` : request.resource;
  // AWS names the policy type that refused: "identity-based policy" or "session policy".
  const kind = refusedBy === 'session' ? 'session policy' : 'identity-based policy';
  const why =
    decision === 'ExplicitDeny'
      ? `with an explicit deny in a${refusedBy === 'session' ? '' : 'n'} ${kind}`
      : `because no ${kind} allows the ${action} action`;
  const local =
    request.failClosed === undefined || decision === 'ExplicitDeny' ? '' : ` (${request.failClosed})`;
  const message = `User: ${principalArn ?? 'anonymous'} is not authorized to perform: ${action} on resource: ${resource} ${why}${local}`;
  return service === 's3'
    ? new AwsError('AccessDenied', message, 403)
    : new AwsError('AccessDeniedException', message, 400);
}

/** The principal ARN AWS reports for a role session: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`. */
export function assumedRoleArn(roleArn: string, sessionName: string): string {
  const match = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  if (match === null) return roleArn;
  const [, partition, account, role] = match;
  return `arn:${partition}:sts::${account}:assumed-role/${role}/${sessionName}`;
}
