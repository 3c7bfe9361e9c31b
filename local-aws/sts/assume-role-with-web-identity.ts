/**
 * STS AssumeRoleWithWebIdentity, the local stand-in: the AWS query protocol (form POST, unsigned, XML
 * answers), the same validation of the ID token as STS, and temporary credentials from the SessionStore
 * whose policy is the role's with this caller's web identity policy variables filled in.
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 */
import { createHash, randomUUID } from 'node:crypto';
import { type PolicyDocument, substitutePolicyVariables } from '../../src/core/access-policy.ts';
import { LOCAL_ACCOUNT_ID } from '../roles.ts';
import type { SessionStore } from '../sessions.ts';
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
}

export interface StsDeps {
  sessions: SessionStore;
  roles: StsRole[];
  /** When the request has no DurationSeconds. AWS: 3600. */
  defaultDurationSeconds?: number;
  /** AWS's floor is 900 s; local tests lower it to get credentials that expire within a test. */
  minDurationSeconds?: number;
  now?: () => Date;
}

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
  if (params.has('Policy') || [...params.keys()].some((key) => key.startsWith('PolicyArns.'))) {
    // A session policy narrows the role's policy; the session store holds one policy, and an
    // intersection of two is not a policy, so refuse rather than silently grant the role's full power.
    throw validationError('Session policies (Policy, PolicyArns) are not supported by the local STS.');
  }
  const role = deps.roles.find((candidate) => candidate.arn === roleArn);
  if (!role)
    throw new StsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);

  const durationSeconds = duration(params, role, deps);
  const providerId = params.get('ProviderId');
  if (providerId !== null) {
    // An OAuth 2.0 access token is opaque: ProviderId says whom to ask about it.
    const provider = role.trustedOAuth2Providers?.find((candidate) => candidate.loginsKey === providerId);
    if (!provider) {
      throw new StsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403);
    }
    const identity = await verifyOAuth2AccessToken(token, provider);
    const variables = oauth2IdentityVariables(identity);
    const session = deps.sessions.issue({
      roleArn: role.arn,
      policy: substitutePolicyVariables(role.policy, variables),
      variables,
      durationSeconds,
    });
    return credentialsResponse(role, sessionName, session, requestId, {
      subject: identity.userId,
      audience: identity.audience,
      provider: providerId,
    });
  }
  const identity = await verifyWebIdentityToken(token, {
    trustedIssuers: role.trustedIssuers,
    ...(deps.now ? { now: deps.now() } : {}),
  });

  const variables = webIdentityVariables(identity);
  const session = deps.sessions.issue({
    roleArn: role.arn,
    policy: substitutePolicyVariables(role.policy, variables),
    variables,
    durationSeconds,
  });
  const accountId = role.arn.split(':')[4] || LOCAL_ACCOUNT_ID;
  return credentialsResponse(role, sessionName, session, requestId, {
    subject: identity.subject,
    audience: identity.authorizedParty ?? identity.audience,
    provider: `arn:aws:iam::${accountId}:oidc-provider/${identity.providerName}`,
  });
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
