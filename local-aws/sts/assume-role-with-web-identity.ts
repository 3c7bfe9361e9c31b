/**
 * STS AssumeRoleWithWebIdentity, the local stand-in: the AWS query protocol (form POST, unsigned, XML
 * answers), the same validation of the ID token as STS, and temporary credentials from the SessionStore
 * whose policy is the role's with this caller's web identity policy variables filled in.
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 */
import { createHash, randomUUID } from 'node:crypto';
import { type PolicyDocument, substitutePolicyVariables } from '../../src/core/access-policy.ts';
import { COGNITO_IDENTITY_PRINCIPAL, type TrustPolicy } from '../../src/core/trust-policy.ts';
import type { CognitoOpenIdIdentity } from '../cognito-identity/identity-pool.ts';
import { evaluatePolicies } from '../gateway/iam/evaluate.ts';
import { managedPolicy } from '../iam/managed-policies.ts';
import { LOCAL_ACCOUNT_ID } from '../roles.ts';
import type { SessionStore } from '../sessions.ts';
import { unsafeSubjectReason } from '../web-identity/subject.ts';
import {
  oauth2IdentityVariables,
  type TrustedOAuth2Provider,
  verifyOAuth2AccessToken,
} from '../web-identity/verify-access-token.ts';
import {
  type TrustedIssuer,
  type VerifiedIdentity,
  verifyWebIdentityToken,
  WebIdentityTokenError,
} from '../web-identity/verify-token.ts';

export interface StsRole {
  arn: string;
  /** The identity policy, still holding `${provider:sub}`-style variables. */
  policy: PolicyDocument;
  /** The role's trust policy, reduced to what matters here: whose tokens may assume it. */
  trustedIssuers: TrustedIssuer[];
  /** OAuth 2.0 providers (named by `ProviderId`) whose access tokens may assume it. */
  trustedOAuth2Providers?: TrustedOAuth2Provider[];
  maxSessionDurationSeconds: number;
  /**
   * A trust policy on `cognito-identity.amazonaws.com` (the basic flow): whose Cognito OpenID tokens
   * may assume the role, decided by its `cognito-identity.amazonaws.com:aud` / `:amr` conditions.
   */
  cognitoTrust?: TrustPolicy<string>;
}

export interface StsDeps {
  sessions: SessionStore;
  roles: StsRole[];
  /** When the request has no DurationSeconds. AWS: 3600. */
  defaultDurationSeconds?: number;
  /** AWS's floor is 900 s; local tests lower it to get credentials that expire within a test. */
  minDurationSeconds?: number;
  /** Verifies tokens from Cognito GetOpenIdToken (issuer https://cognito-identity.amazonaws.com). */
  cognito?: { verifyOpenIdToken(token: string, now?: Date): Promise<CognitoOpenIdIdentity> };
  now?: () => Date;
}

/** Session policies are at most 2,048 characters of JSON (AWS counts the packed size; close enough). */
const MAX_INLINE_POLICY_CHARS = 2048;
const MAX_POLICY_ARNS = 10;

export interface StsResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const API_VERSION = '2011-06-15';
const XMLNS = `https://sts.amazonaws.com/doc/${API_VERSION}/`;
const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

class StsError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** Answers one STS query-protocol request body. Only AssumeRoleWithWebIdentity is served. */
export async function handleStsRequest(body: string, deps: StsDeps): Promise<StsResponse> {
  const requestId = randomUUID();
  try {
    const params = new URLSearchParams(body);
    const action = params.get('Action');
    if (action !== 'AssumeRoleWithWebIdentity') {
      throw new StsError(
        'InvalidAction',
        `Could not find operation ${action ?? '(none)'} for version ${API_VERSION}`,
      );
    }
    if (params.get('Version') !== API_VERSION) {
      throw new StsError('InvalidParameterValue', `Unsupported Version ${params.get('Version') ?? '(none)'}`);
    }
    return respond(200, requestId, await assumeRoleWithWebIdentity(params, deps, requestId));
  } catch (error) {
    if (error instanceof WebIdentityTokenError)
      return errorResponse(requestId, 400, error.code, error.message);
    if (error instanceof StsError) return errorResponse(requestId, error.status, error.code, error.message);
    throw error;
  }
}

async function assumeRoleWithWebIdentity(
  params: URLSearchParams,
  deps: StsDeps,
  requestId: string,
): Promise<string> {
  const roleArn = required(params, 'RoleArn', 'roleArn');
  const sessionName = required(params, 'RoleSessionName', 'roleSessionName');
  const token = required(params, 'WebIdentityToken', 'webIdentityToken');
  if (!ROLE_SESSION_NAME.test(sessionName)) {
    throw validationError(
      `Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
    );
  }
  const sessionPolicies = sessionPoliciesOf(params);
  const role = deps.roles.find((candidate) => candidate.arn === roleArn);
  if (!role)
    throw new StsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);

  const durationSeconds = duration(params, role, deps);
  const issue = (variables: Record<string, string>) =>
    deps.sessions.issue({
      roleArn: role.arn,
      policy: substitutePolicyVariables(role.policy, variables),
      variables,
      durationSeconds,
      ...(sessionPolicies
        ? { sessionPolicies: sessionPolicies.map((policy) => substitutePolicyVariables(policy, variables)) }
        : {}),
    });
  if (deps.cognito && issuerOf(token) === COGNITO_OPENID_ISSUER) {
    const identity = await deps.cognito.verifyOpenIdToken(token, deps.now?.());
    if (!role.cognitoTrust || !trusts(role.cognitoTrust, identity)) {
      throw new StsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
    }
    const variables = {
      [`${COGNITO_IDENTITY_PRINCIPAL}:sub`]: identity.identityId,
      [`${COGNITO_IDENTITY_PRINCIPAL}:aud`]: identity.identityPoolId,
      [`${COGNITO_IDENTITY_PRINCIPAL}:amr`]: identity.amr[0] ?? 'unauthenticated',
    };
    return credentialsResponse(role, sessionName, issue(variables), requestId, {
      subject: identity.identityId,
      audience: identity.identityPoolId,
      provider: COGNITO_IDENTITY_PRINCIPAL,
    });
  }
  const providerId = params.get('ProviderId');
  if (providerId !== null) {
    // An OAuth 2.0 access token is opaque: ProviderId says whom to ask about it.
    const provider = role.trustedOAuth2Providers?.find((candidate) => candidate.loginsKey === providerId);
    if (!provider) {
      throw new StsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
    }
    const identity = await verifyOAuth2AccessToken(token, provider);
    refuseUnsafeSubject(identity.userId);
    const variables = oauth2IdentityVariables(identity);
    return credentialsResponse(role, sessionName, issue(variables), requestId, {
      subject: identity.userId,
      audience: identity.audience,
      provider: providerId,
    });
  }
  const identity = await verifyWebIdentityToken(token, {
    trustedIssuers: role.trustedIssuers,
    ...(deps.now ? { now: deps.now() } : {}),
  });

  refuseUnsafeSubject(identity.subject);
  const session = issue(webIdentityVariables(identity));
  const accountId = role.arn.split(':')[4] || LOCAL_ACCOUNT_ID;
  return credentialsResponse(role, sessionName, session, requestId, {
    subject: identity.subject,
    audience: identity.authorizedParty ?? identity.audience,
    provider: `arn:aws:iam::${accountId}:oidc-provider/${identity.providerName}`,
  });
}

const COGNITO_OPENID_ISSUER = 'https://cognito-identity.amazonaws.com';

/** The token's `iss`, read without trusting it: it only picks which verifier checks the token. */
function issuerOf(token: string): string | undefined {
  try {
    const claims: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && 'iss' in claims ? String(claims.iss) : undefined;
  } catch {
    return undefined;
  }
}

/** Evaluates a role's trust policy for a Cognito identity, with the condition keys STS sets. */
function trusts(trust: TrustPolicy<string>, identity: CognitoOpenIdIdentity): boolean {
  const statements = trust.Statement.filter(
    (statement) => statement.Principal.Federated === COGNITO_IDENTITY_PRINCIPAL,
  ).map(({ Effect, Action, Condition }) => ({ Effect, Action, Resource: '*', Condition }));
  const decision = evaluatePolicies([{ Version: trust.Version, Statement: statements }], {
    action: 'sts:AssumeRoleWithWebIdentity',
    resource: '*',
    context: {
      [`${COGNITO_IDENTITY_PRINCIPAL}:aud`]: identity.identityPoolId,
      [`${COGNITO_IDENTITY_PRINCIPAL}:sub`]: identity.identityId,
      [`${COGNITO_IDENTITY_PRINCIPAL}:amr`]: identity.amr,
    },
  });
  return decision === 'Allow';
}

function refuseUnsafeSubject(subject: string): void {
  const reason = unsafeSubjectReason(subject);
  if (reason !== undefined) throw new StsError('InvalidIdentityToken', reason);
}

/**
 * `Policy` (inline JSON) and `PolicyArns.member.N.arn` (managed policies): together they are the
 * session policies, which the gateway intersects with the role's policy. Undefined when none is given.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
 */
function sessionPoliciesOf(params: URLSearchParams): PolicyDocument[] | undefined {
  const policies: PolicyDocument[] = [];
  const inline = params.get('Policy');
  if (inline !== null) {
    if (inline.length > MAX_INLINE_POLICY_CHARS) {
      throw new StsError(
        'PackedPolicyTooLarge',
        `Packed policy consumes more than ${MAX_INLINE_POLICY_CHARS} characters; pass a smaller session policy.`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(inline);
    } catch {
      throw new StsError('MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
    }
    if (typeof parsed !== 'object' || parsed === null || !('Statement' in parsed)) {
      throw new StsError('MalformedPolicyDocument', 'Syntax errors in policy: a policy needs a Statement.');
    }
    policies.push(parsed as PolicyDocument);
  }
  const arns = [...params.entries()]
    .filter(([key]) => /^PolicyArns\.member\.\d+\.arn$/.test(key))
    .map(([, value]) => value);
  if (arns.length > MAX_POLICY_ARNS) {
    throw validationError(
      `Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to ${MAX_POLICY_ARNS}`,
    );
  }
  for (const arn of arns) {
    const known = managedPolicy(arn);
    if (!known) {
      throw new StsError(
        'MalformedPolicyDocument',
        `Policy ${arn} does not exist or is not attachable (the local stack models only the managed policies in local-aws/iam/managed-policies.ts).`,
      );
    }
    policies.push(known.document);
  }
  return inline === null && arns.length === 0 ? undefined : policies;
}

function credentialsResponse(
  role: StsRole,
  sessionName: string,
  session: ReturnType<SessionStore['issue']>,
  requestId: string,
  who: { subject: string; audience: string; provider: string },
): string {
  const roleName = role.arn.split('/').pop() ?? role.arn;
  const accountId = role.arn.split(':')[4] || LOCAL_ACCOUNT_ID;
  return element(
    'AssumeRoleWithWebIdentityResponse',
    element(
      'AssumeRoleWithWebIdentityResult',
      element(
        'Credentials',
        leaf('AccessKeyId', session.accessKeyId) +
          leaf('SecretAccessKey', session.secretAccessKey) +
          leaf('SessionToken', session.sessionToken ?? '') +
          leaf('Expiration', isoSeconds(session.expiration ?? new Date())),
      ) +
        leaf('SubjectFromWebIdentityToken', who.subject) +
        element(
          'AssumedRoleUser',
          leaf('Arn', `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`) +
            leaf('AssumedRoleId', `${roleIdOf(role.arn)}:${sessionName}`),
        ) +
        leaf('Audience', who.audience) +
        leaf('Provider', who.provider),
    ) + element('ResponseMetadata', leaf('RequestId', requestId)),
    XMLNS,
  );
}

/**
 * The policy variables IAM defines for an OIDC session: `<provider>:sub`, `<provider>:aud` (azp when the
 * token has one) and `<provider>:oaud` (the token's own aud).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
 */
export function webIdentityVariables(identity: VerifiedIdentity): Record<string, string> {
  const provider = identity.providerName;
  return {
    [`${provider}:sub`]: identity.subject,
    [`${provider}:aud`]: identity.authorizedParty ?? identity.audience,
    [`${provider}:oaud`]: identity.audience,
  };
}

function duration(params: URLSearchParams, role: StsRole, deps: StsDeps): number {
  const requested = params.get('DurationSeconds');
  if (requested === null)
    return Math.min(deps.defaultDurationSeconds ?? 3600, role.maxSessionDurationSeconds);
  const seconds = Number(requested);
  const floor = deps.minDurationSeconds ?? 900;
  if (!Number.isInteger(seconds) || seconds < floor) {
    throw validationError(
      `Value '${requested}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to ${floor}`,
    );
  }
  if (seconds > role.maxSessionDurationSeconds) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }
  return seconds;
}

function required(params: URLSearchParams, name: string, memberName: string): string {
  const value = params.get(name);
  if (!value) {
    throw validationError(
      `Value null at '${memberName}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function validationError(message: string): StsError {
  return new StsError(
    'ValidationError',
    message.startsWith('Value') ? `1 validation error detected: ${message}` : message,
  );
}

/** A stable AROA... id per role, as IAM gives each role one unique id. */
function roleIdOf(arn: string): string {
  return `AROA${createHash('sha256').update(arn).digest('hex').slice(0, 17).toUpperCase()}`;
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function respond(status: number, requestId: string, xml: string): StsResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `${xml}\n`,
  };
}

function errorResponse(requestId: string, status: number, code: string, message: string): StsResponse {
  return respond(
    status,
    requestId,
    element(
      'ErrorResponse',
      element('Error', leaf('Type', 'Sender') + leaf('Code', code) + leaf('Message', message)) +
        leaf('RequestId', requestId),
      XMLNS,
    ),
  );
}

function element(name: string, children: string, xmlns?: string): string {
  return `<${name}${xmlns ? ` xmlns="${xmlns}"` : ''}>${children}</${name}>`;
}

function leaf(name: string, value: string): string {
  return `<${name}>${escapeXml(value)}</${name}>`;
}

function escapeXml(value: string): string {
  return value.replace(
    /[<>&'"]/g,
    (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[char] ?? char,
  );
}
