import {
  type AccessPolicyContext,
  anonymousPolicy,
  type PolicyDocument,
  readerPolicy,
  writerPolicy,
} from '../src/core/access-policy.ts';

export const LOCAL_ACCOUNT_ID = '000000000000';
export const LOCAL_REGION = 'us-east-1';

/** The roles the local stand-ins hand out, with the same generated policies production installs. */
export interface LocalRole {
  arn: string;
  /** The identity policy, still holding `${...}` policy variables. */
  policy: PolicyDocument;
}

export interface LocalRoles {
  writer: LocalRole;
  reader: LocalRole;
  /** Not a role: what unsigned requests may do (the bucket policy's public read). */
  anonymous: PolicyDocument;
}

export function roleArn(name: string, accountId = LOCAL_ACCOUNT_ID): string {
  return `arn:aws:iam::${accountId}:role/${name}`;
}

export function localRoles(ctx: AccessPolicyContext): LocalRoles {
  return {
    writer: { arn: roleArn('inkwell-writer', ctx.accountId), policy: writerPolicy(ctx) },
    reader: { arn: roleArn('inkwell-reader', ctx.accountId), policy: readerPolicy(ctx) },
    anonymous: anonymousPolicy(ctx),
  };
}
