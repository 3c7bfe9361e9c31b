import { randomBytes } from 'node:crypto';
import type { PolicyDocument } from '../src/core/access-policy.ts';

/**
 * Temporary credentials handed out by the STS and Cognito Identity stand-ins, and the long-lived admin
 * key used by scripts. The gateway looks a request's access key up here to verify its SigV4 signature
 * and to find the policy that decides it.
 */
export interface Session {
  accessKeyId: string;
  secretAccessKey: string;
  /** Absent only for the long-lived admin key. */
  sessionToken?: string;
  /** Absent only for the long-lived admin key. */
  expiration?: Date;
  /** e.g. arn:aws:iam::000000000000:role/inkwell-writer */
  roleArn: string;
  /** The role's identity policy with the session's policy variables already substituted. */
  policy: PolicyDocument;
  /**
   * Session policies (already substituted), when the session has any: STS `Policy`/`PolicyArns`, or the
   * scope-down Cognito adds for guests in the enhanced flow. The session may do only what the identity
   * policy and at least one of these allow; an explicit deny in any of them wins. Absent: no scope-down.
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session
   */
  sessionPolicies?: PolicyDocument[];
  /** Policy variables of this session, e.g. { 'cognito-identity.amazonaws.com:sub': 'us-east-1:...' }. */
  variables: Record<string, string>;
}

export class SessionStore {
  readonly #sessions = new Map<string, Session>();

  add(session: Session): Session {
    this.#sessions.set(session.accessKeyId, session);
    return session;
  }

  /** Mints fresh temporary keys (ASIA... like AWS) valid for `durationSeconds`. */
  issue(input: {
    roleArn: string;
    policy: PolicyDocument;
    variables: Record<string, string>;
    durationSeconds: number;
    sessionPolicies?: PolicyDocument[];
  }): Session {
    return this.add({
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64url'),
      sessionToken: randomBytes(96).toString('base64'),
      expiration: new Date(Date.now() + input.durationSeconds * 1000),
      roleArn: input.roleArn,
      policy: input.policy,
      variables: input.variables,
      ...(input.sessionPolicies ? { sessionPolicies: input.sessionPolicies } : {}),
    });
  }

  get(accessKeyId: string): Session | undefined {
    return this.#sessions.get(accessKeyId);
  }
}
