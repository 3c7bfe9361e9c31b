/**
 * Cognito Identity, the local stand-in for one identity pool: JSON 1.1 over POST, unsigned, the
 * X-Amz-Target operations GetId, GetCredentialsForIdentity (the enhanced flow, which scopes guests down
 * with AWS's managed session policy) and GetOpenIdToken (the basic flow, when `allowClassicFlow`). Tokens in `Logins` are validated as Cognito does, through the same
 * verifier as STS; credentials come from the SessionStore with the role's policy and the
 * `cognito-identity.amazonaws.com:*` policy variables of the identity.
 *
 * @see https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetCredentialsForIdentity.html
 */
import { randomUUID } from 'node:crypto';
import { compactVerify, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { type PolicyDocument, substitutePolicyVariables } from '../../src/core/access-policy.ts';
import { COGNITO_UNAUTHED_SESSION_POLICY } from '../iam/managed-policies.ts';
import type { SessionStore } from '../sessions.ts';
import { unsafeSubjectReason } from '../web-identity/subject.ts';
import { type TrustedOAuth2Provider, verifyOAuth2AccessToken } from '../web-identity/verify-access-token.ts';
import { verifyWebIdentityToken, WebIdentityTokenError } from '../web-identity/verify-token.ts';
import { IdentityStore, loginKey } from './identity-store.ts';

export interface IdentityPoolProvider {
  /** The key apps use in `Logins`: the issuer without its scheme, e.g. 127.0.0.1:4567. */
  loginsKey: string;
  issuer: string;
  /** Client IDs whose tokens the pool accepts. */
  audiences: string[];
}

export interface IdentityPoolRole {
  arn: string;
  /** Still holding `${cognito-identity.amazonaws.com:sub}`-style variables. */
  policy: PolicyDocument;
}

export interface IdentityPoolOptions {
  identityPoolId: string;
  /** Identities persist in `<dataDir>/cognito-identity/`. */
  dataDir: string;
  providers: IdentityPoolProvider[];
  /**
   * Plain OAuth 2.0 providers (as Facebook and Login with Amazon are to Cognito): their `Logins` value is
   * an opaque access token, checked by asking the provider.
   */
  oauth2Providers?: TrustedOAuth2Provider[];
  allowUnauthenticated: boolean;
  /**
   * The basic (classic) flow: GetOpenIdToken, then STS AssumeRoleWithWebIdentity with the pool's token.
   * Off by default, as on AWS (`AllowClassicFlow`); GetOpenIdToken is refused while it is off.
   */
  allowClassicFlow?: boolean;
  authenticatedRole: IdentityPoolRole;
  unauthenticatedRole: IdentityPoolRole;
  sessions: SessionStore;
  /** AWS: one hour. Tests use about a minute. */
  credentialsDurationSeconds?: number;
  now?: () => Date;
}

export interface IdentityPoolResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface IdentityPool {
  /** Answers one request: `target` is the X-Amz-Target header, `body` the JSON request. */
  handle(target: string, body: string): Promise<IdentityPoolResponse>;
  /**
   * Verifies an OpenID token this pool issued (GetOpenIdToken), as STS does for
   * `https://cognito-identity.amazonaws.com` tokens. Throws WebIdentityTokenError.
   */
  verifyOpenIdToken(token: string, now?: Date): Promise<CognitoOpenIdIdentity>;
}

/** What STS learns from a Cognito OpenID token. */
export interface CognitoOpenIdIdentity {
  identityId: string;
  identityPoolId: string;
  /** `["unauthenticated"]`, or `["authenticated", <login provider>, ...]`. */
  amr: string[];
}

/** The issuer of every Cognito Identity OpenID token, whatever the region. */
export const COGNITO_OPENID_ISSUER = 'https://cognito-identity.amazonaws.com';
/** AWS: "The OpenID token is valid for 10 minutes." */
const OPENID_TOKEN_SECONDS = 600;

const TARGET_PREFIX = 'AWSCognitoIdentityService.';
const COGNITO = 'cognito-identity.amazonaws.com';

class CognitoError extends Error {
  readonly type: string;

  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

type Logins = Record<string, string>;

export function createIdentityPool(options: IdentityPoolOptions): IdentityPool {
  const identities = new IdentityStore(options.dataDir, options.identityPoolId);

  /** Validates every token in Logins and returns the pool's login keys for them. */
  async function verifiedLogins(logins: Logins): Promise<string[]> {
    const keys: string[] = [];
    for (const [providerKey, token] of Object.entries(logins)) {
      const provider = options.providers.find((candidate) => candidate.loginsKey === providerKey);
      const oauth2 = options.oauth2Providers?.find((candidate) => candidate.loginsKey === providerKey);
      if (!provider && !oauth2) {
        throw new CognitoError(
          'NotAuthorizedException',
          'Invalid login token. Token is not from a supported provider of this identity pool.',
        );
      }
      try {
        const subject = provider
          ? (
              await verifyWebIdentityToken(token, {
                trustedIssuers: [{ issuer: provider.issuer, audiences: provider.audiences }],
                ...(options.now ? { now: options.now() } : {}),
              })
            ).subject
          : (await verifyOAuth2AccessToken(token, oauth2 as TrustedOAuth2Provider)).userId;
        const unsafe = unsafeSubjectReason(subject);
        if (unsafe !== undefined)
          throw new CognitoError('NotAuthorizedException', `Invalid login token. ${unsafe}`);
        keys.push(loginKey(providerKey, subject));
      } catch (error) {
        if (!(error instanceof WebIdentityTokenError)) throw error;
        if (error.code === 'IDPCommunicationError')
          throw new CognitoError('ExternalServiceException', error.message);
        const detail = error.message.startsWith('No OpenIDConnect provider')
          ? "Issuer doesn't match providerName"
          : error.message;
        throw new CognitoError('NotAuthorizedException', `Invalid login token. ${detail}`);
      }
    }
    return keys;
  }

  async function getId(request: Record<string, unknown>) {
    if (request.IdentityPoolId !== options.identityPoolId) {
      throw new CognitoError(
        'ResourceNotFoundException',
        `IdentityPool '${String(request.IdentityPoolId)}' not found.`,
      );
    }
    const keys = await verifiedLogins(loginsOf(request));
    if (keys.length === 0) {
      requireGuestsAllowed();
      return { IdentityId: identities.create([]) };
    }
    const linked = new Set(keys.map((key) => identities.findByLogin(key)).filter((id) => id !== undefined));
    if (linked.size > 1) {
      throw new CognitoError('ResourceConflictException', 'These logins are linked to different identities.');
    }
    const [existing] = linked;
    if (existing) {
      identities.link(existing, keys);
      return { IdentityId: existing };
    }
    return { IdentityId: identities.create(keys) };
  }

  async function getCredentialsForIdentity(request: Record<string, unknown>) {
    const identityId = typeof request.IdentityId === 'string' ? request.IdentityId : '';
    const linked = identities.loginsOf(identityId);
    if (!linked) throw new CognitoError('ResourceNotFoundException', `Identity '${identityId}' not found.`);
    if (request.CustomRoleArn !== undefined && request.CustomRoleArn !== options.authenticatedRole.arn) {
      throw new CognitoError(
        'InvalidParameterException',
        'CustomRoleArn is not a role of this identity pool.',
      );
    }
    const keys = await verifiedLogins(loginsOf(request));

    let authenticated: boolean;
    if (keys.length > 0) {
      const elsewhere = keys.some((key) => {
        const owner = identities.findByLogin(key);
        return owner !== undefined && owner !== identityId;
      });
      const belongs = linked.length === 0 || keys.some((key) => linked.includes(key));
      if (elsewhere || !belongs) {
        throw new CognitoError(
          'NotAuthorizedException',
          "Invalid login token. Logins don't match. Please include at least one valid login for this identity or identity pool.",
        );
      }
      // As Cognito does: a guest who signs in keeps their identity, now linked to the login.
      identities.link(identityId, keys);
      authenticated = true;
    } else if (linked.length > 0) {
      throw new CognitoError('NotAuthorizedException', `Access to Identity '${identityId}' is forbidden.`);
    } else {
      requireGuestsAllowed();
      authenticated = false;
    }

    const role = authenticated ? options.authenticatedRole : options.unauthenticatedRole;
    const variables = {
      [`${COGNITO}:sub`]: identityId,
      [`${COGNITO}:aud`]: options.identityPoolId,
      [`${COGNITO}:amr`]: authenticated ? 'authenticated' : 'unauthenticated',
    };
    const session = options.sessions.issue({
      roleArn: role.arn,
      policy: substitutePolicyVariables(role.policy, variables),
      variables,
      durationSeconds: options.credentialsDurationSeconds ?? 3600,
      // As Cognito does in the enhanced flow: guests are scoped down by the managed session policy.
      ...(authenticated ? {} : { sessionPolicies: [COGNITO_UNAUTHED_SESSION_POLICY.document] }),
    });
    return {
      IdentityId: identityId,
      Credentials: {
        AccessKeyId: session.accessKeyId,
        SecretKey: session.secretAccessKey,
        SessionToken: session.sessionToken,
        // JSON 1.1 timestamps are epoch seconds.
        Expiration: Math.floor((session.expiration ?? new Date()).getTime() / 1000),
      },
    };
  }

  /** The pool's own signing key, made on first use; tokens do not outlive the process, like sessions. */
  let signingKey: Promise<{ privateKey: CryptoKey; publicJwk: JWK; publicKey: CryptoKey }> | undefined;
  const keyPair = () => {
    signingKey ??= generateKeyPair('ES256', { extractable: true }).then(async (pair) => ({
      privateKey: pair.privateKey,
      publicKey: pair.publicKey,
      publicJwk: await exportJWK(pair.publicKey),
    }));
    return signingKey;
  };

  /**
   * GetOpenIdToken: the first step of the basic flow. A guest identity needs no Logins; an identity with
   * linked logins must present one of them, exactly as for GetCredentialsForIdentity.
   * @see https://docs.aws.amazon.com/cognitoidentity/latest/APIReference/API_GetOpenIdToken.html
   */
  async function getOpenIdToken(request: Record<string, unknown>) {
    if (!options.allowClassicFlow) {
      throw new CognitoError(
        'InvalidParameterException',
        'Basic (classic) flow is not enabled, please use enhanced flow.',
      );
    }
    const identityId = typeof request.IdentityId === 'string' ? request.IdentityId : '';
    const linked = identities.loginsOf(identityId);
    if (!linked) throw new CognitoError('ResourceNotFoundException', `Identity '${identityId}' not found.`);
    const keys = await verifiedLogins(loginsOf(request));
    let amr: string[];
    if (keys.length > 0) {
      if (!keys.some((key) => linked.includes(key)) && linked.length > 0) {
        throw new CognitoError(
          'NotAuthorizedException',
          "Invalid login token. Logins don't match. Please include at least one valid login for this identity or identity pool.",
        );
      }
      identities.link(identityId, keys);
      const providers = [...new Set(keys.map((key) => key.split('|')[0] ?? ''))];
      amr = [
        'authenticated',
        ...providers,
        ...keys.map(
          (key) => `${key.split('|')[0]}:${options.identityPoolId}:${key.split('|').slice(1).join('|')}`,
        ),
      ];
    } else if (linked.length > 0) {
      throw new CognitoError('NotAuthorizedException', `Access to Identity '${identityId}' is forbidden.`);
    } else {
      requireGuestsAllowed();
      amr = ['unauthenticated'];
    }
    const { privateKey, publicJwk } = await keyPair();
    const nowSeconds = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
    const token = await new SignJWT({
      amr,
      'https://cognito-identity.amazonaws.com/identity-pool-arn': options.identityPoolId,
    })
      .setProtectedHeader({ alg: 'ES256', kid: publicJwk.kid ?? 'local-cognito', typ: 'JWS' })
      .setIssuer(COGNITO_OPENID_ISSUER)
      .setSubject(identityId)
      .setAudience(options.identityPoolId)
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + OPENID_TOKEN_SECONDS)
      .sign(privateKey);
    return { IdentityId: identityId, Token: token };
  }

  async function verifyOpenIdToken(token: string, now = new Date()): Promise<CognitoOpenIdIdentity> {
    const { publicKey } = await keyPair();
    let payload: Record<string, unknown>;
    try {
      const verified = await compactVerify(token, publicKey, { algorithms: ['ES256'] });
      payload = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
    } catch (cause) {
      throw new WebIdentityTokenError(
        'InvalidIdentityToken',
        'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.',
        { cause },
      );
    }
    if (typeof payload.exp !== 'number' || Math.floor(now.getTime() / 1000) >= payload.exp) {
      throw new WebIdentityTokenError('ExpiredTokenException', 'Token expired');
    }
    if (payload.aud !== options.identityPoolId) {
      throw new WebIdentityTokenError('InvalidIdentityToken', 'Incorrect token audience');
    }
    const amr = Array.isArray(payload.amr)
      ? payload.amr.filter((v): v is string => typeof v === 'string')
      : [];
    return { identityId: String(payload.sub), identityPoolId: options.identityPoolId, amr };
  }

  function requireGuestsAllowed(): void {
    if (!options.allowUnauthenticated) {
      throw new CognitoError(
        'NotAuthorizedException',
        'Unauthenticated access is not supported for this identity pool.',
      );
    }
  }

  return {
    async handle(target, body) {
      const requestId = randomUUID();
      try {
        const request = parseRequest(body);
        switch (target) {
          case `${TARGET_PREFIX}GetId`:
            return json(200, requestId, await getId(request));
          case `${TARGET_PREFIX}GetCredentialsForIdentity`:
            return json(200, requestId, await getCredentialsForIdentity(request));
          case `${TARGET_PREFIX}GetOpenIdToken`:
            return json(200, requestId, await getOpenIdToken(request));
          default:
            throw new CognitoError('UnknownOperationException', `Unknown operation ${target}`);
        }
      } catch (error) {
        if (error instanceof CognitoError) {
          return json(400, requestId, { __type: error.type, message: error.message });
        }
        throw error;
      }
    },
    verifyOpenIdToken,
  };
}

function parseRequest(body: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body || '{}');
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Reported below, as the service does for a body it cannot read.
  }
  throw new CognitoError('SerializationException', 'The request body is not a JSON object.');
}

function loginsOf(request: Record<string, unknown>): Logins {
  const logins = request.Logins;
  if (logins === undefined || logins === null) return {};
  if (typeof logins !== 'object' || Object.values(logins).some((token) => typeof token !== 'string')) {
    throw new CognitoError('InvalidParameterException', 'Logins must map provider names to tokens.');
  }
  return logins as Logins;
}

function json(status: number, requestId: string, payload: unknown): IdentityPoolResponse {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
    body: JSON.stringify(payload),
  };
}
