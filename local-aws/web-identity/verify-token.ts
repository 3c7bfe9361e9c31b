/**
 * Validates an OpenID Connect ID token the way STS AssumeRoleWithWebIdentity and Cognito Identity do:
 * the issuer must be a registered provider, the signature must verify against that issuer's published
 * JWKS (found through its discovery document), the token must be unexpired and issued to a registered
 * audience (client ID), and it must name a subject. Failures carry AWS's error codes and messages.
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation
 */
import {
  compactVerify,
  createRemoteJWKSet,
  decodeProtectedHeader,
  type JWTPayload,
  errors as joseErrors,
  type ProtectedHeaderParameters,
} from 'jose';

export interface TrustedIssuer {
  /** Exactly the token's `iss`, e.g. http://127.0.0.1:4567. */
  issuer: string;
  /** Client IDs registered for the provider; the token's `aud` must contain one of them. */
  audiences: string[];
}

export interface VerifyWebIdentityTokenOptions {
  trustedIssuers: TrustedIssuer[];
  now?: Date;
  /** Allowed clock skew for exp/nbf/iat. Default 5 seconds. */
  clockToleranceSeconds?: number;
  /** Where discovery documents and key sets are cached; default one per process. */
  keyCache?: IssuerKeyCache;
}

export interface VerifiedIdentity {
  issuer: string;
  /** The issuer without its scheme: AWS's provider name, and the prefix of its policy variables. */
  providerName: string;
  subject: string;
  /** The registered audience (client ID) the token was issued to. */
  audience: string;
  /** The token's `azp` when present; AWS's `<provider>:aud` variable prefers it over `aud`. */
  authorizedParty?: string;
  expiresAt: Date;
  claims: JWTPayload;
}

export type WebIdentityErrorCode = 'InvalidIdentityToken' | 'ExpiredTokenException' | 'IDPCommunicationError';

/** A rejected token, with the code STS would answer with. */
export class WebIdentityTokenError extends Error {
  override readonly name = 'WebIdentityTokenError';
  readonly code: WebIdentityErrorCode;

  constructor(code: WebIdentityErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** The signature algorithms AWS accepts for OIDC ID tokens: asymmetric only, never `none` or HMAC. */
const ALLOWED_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];

// AWS's wording, kept verbatim (including the double space) so errors read as they would in production.
const INVALID_TOKEN_MESSAGE =
  'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.';
const NO_KEY_MESSAGE =
  "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

export async function verifyWebIdentityToken(
  token: string,
  options: VerifyWebIdentityTokenOptions,
): Promise<VerifiedIdentity> {
  const now = options.now ?? new Date();
  const tolerance = options.clockToleranceSeconds ?? 5;
  const { header, claims } = parse(token);

  if (typeof header.alg !== 'string' || !ALLOWED_ALGORITHMS.includes(header.alg)) {
    throw new WebIdentityTokenError(
      'InvalidIdentityToken',
      `Unsupported token signing algorithm: ${header.alg}`,
    );
  }
  const issuer = typeof claims.iss === 'string' ? claims.iss : undefined;
  const trusted = options.trustedIssuers.find((candidate) => trimSlash(candidate.issuer) === issuer);
  if (!issuer || !trusted) {
    throw new WebIdentityTokenError(
      'InvalidIdentityToken',
      `No OpenIDConnect provider found in your account for ${issuer ?? '(no issuer)'}`,
    );
  }

  const keys = await (options.keyCache ?? defaultKeyCache).keySetFor(issuer);
  try {
    await compactVerify(token, keys, { algorithms: ALLOWED_ALGORITHMS });
  } catch (error) {
    throw classifyVerificationError(error);
  }

  // Claims are checked here rather than by jose so each failure gets AWS's code, in AWS's order.
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (typeof claims.exp !== 'number') {
    throw new WebIdentityTokenError('InvalidIdentityToken', 'Missing a required claim: exp');
  }
  if (nowSeconds - tolerance >= claims.exp) {
    throw new WebIdentityTokenError(
      'ExpiredTokenException',
      `Token expired: current date/time ${nowSeconds} must be before the expiration date/time${claims.exp}`,
    );
  }
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds + tolerance) {
    throw new WebIdentityTokenError('InvalidIdentityToken', 'Token is not yet valid (nbf is in the future)');
  }
  if (typeof claims.iat === 'number' && claims.iat > nowSeconds + tolerance) {
    throw new WebIdentityTokenError('InvalidIdentityToken', 'Token was issued in the future (iat)');
  }
  const tokenAudiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
  const audience = tokenAudiences.find((aud) => trusted.audiences.includes(aud));
  if (!audience) throw new WebIdentityTokenError('InvalidIdentityToken', 'Incorrect token audience');
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    throw new WebIdentityTokenError('InvalidIdentityToken', 'Missing a required claim: sub');
  }

  return {
    issuer,
    providerName: providerNameOf(issuer),
    subject: claims.sub,
    audience,
    ...(typeof claims.azp === 'string' ? { authorizedParty: claims.azp } : {}),
    expiresAt: new Date(claims.exp * 1000),
    claims,
  };
}

/** `https://accounts.example.com/x` -> `accounts.example.com/x`: how IAM names an OIDC provider. */
export function providerNameOf(issuer: string): string {
  return trimSlash(issuer).replace(/^https?:\/\//, '');
}

/**
 * Discovery documents and remote key sets per issuer. A key set refetches on an unknown `kid`, so a
 * provider that rotates keys keeps working; a failed discovery is forgotten so the next call retries.
 */
export class IssuerKeyCache {
  readonly #keySets = new Map<string, Promise<ReturnType<typeof createRemoteJWKSet>>>();

  keySetFor(issuer: string): Promise<ReturnType<typeof createRemoteJWKSet>> {
    let keySet = this.#keySets.get(issuer);
    if (!keySet) {
      keySet = discoverKeySet(issuer);
      keySet.catch(() => this.#keySets.delete(issuer));
      this.#keySets.set(issuer, keySet);
    }
    return keySet;
  }
}

const defaultKeyCache = new IssuerKeyCache();

async function discoverKeySet(issuer: string): Promise<ReturnType<typeof createRemoteJWKSet>> {
  const url = `${trimSlash(issuer)}/.well-known/openid-configuration`;
  let discovery: { issuer?: unknown; jwks_uri?: unknown };
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    discovery = (await response.json()) as typeof discovery;
  } catch (cause) {
    throw new WebIdentityTokenError(
      'IDPCommunicationError',
      `Could not reach the identity provider at ${url}`,
      {
        cause,
      },
    );
  }
  if (discovery.issuer !== issuer || typeof discovery.jwks_uri !== 'string') {
    throw new WebIdentityTokenError('InvalidIdentityToken', NO_KEY_MESSAGE);
  }
  return createRemoteJWKSet(new URL(discovery.jwks_uri), {
    timeoutDuration: 5000,
    // Local providers restart with new keys now and then; do not wait long before refetching.
    cooldownDuration: 1000,
    cacheMaxAge: 10 * 60 * 1000,
  });
}

function parse(token: string): { header: ProtectedHeaderParameters; claims: JWTPayload } {
  try {
    const parts = token.split('.');
    if (parts.length !== 3) throw new Error('not a compact JWS');
    const header = decodeProtectedHeader(token);
    const claims: unknown = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims))
      throw new Error('claims not an object');
    return { header, claims: claims as JWTPayload };
  } catch (cause) {
    throw new WebIdentityTokenError('InvalidIdentityToken', INVALID_TOKEN_MESSAGE, { cause });
  }
}

function classifyVerificationError(error: unknown): WebIdentityTokenError {
  if (error instanceof WebIdentityTokenError) return error;
  if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWKSMultipleMatchingKeys) {
    return new WebIdentityTokenError('InvalidIdentityToken', NO_KEY_MESSAGE, { cause: error });
  }
  if (
    error instanceof joseErrors.JWSSignatureVerificationFailed ||
    error instanceof joseErrors.JWSInvalid ||
    error instanceof joseErrors.JOSEAlgNotAllowed ||
    error instanceof joseErrors.JOSENotSupported
  ) {
    return new WebIdentityTokenError('InvalidIdentityToken', INVALID_TOKEN_MESSAGE, { cause: error });
  }
  // Timeouts, refused connections, non-200 or malformed key sets: the provider could not be consulted.
  return new WebIdentityTokenError(
    'IDPCommunicationError',
    'Could not fetch the identity provider\u2019s keys',
    {
      cause: error,
    },
  );
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
