/**
 * Role trust policies for the identity pool's roles, shared by the CloudFormation template and the
 * local STS stand-in (which evaluates them), so the conditions that decide who may assume a role are
 * the same locally and on AWS.
 */

export const COGNITO_IDENTITY_PRINCIPAL = 'cognito-identity.amazonaws.com';

export interface TrustPolicyStatement<Value> {
  Effect: 'Allow' | 'Deny';
  Principal: { Federated: Value };
  Action: 'sts:AssumeRoleWithWebIdentity';
  Condition: Record<string, Record<string, Value | string>>;
}

export interface TrustPolicy<Value> {
  Version: '2012-10-17';
  Statement: TrustPolicyStatement<Value>[];
}

/**
 * Only this pool's identities, only the given kind (AWS's `amr` is `unauthenticated` for guests,
 * `authenticated` plus the login provider for signed-in users). `identityPoolId` is the id itself
 * locally and a `{ Ref }` in the template.
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/role-trust-and-permissions.html
 */
export function cognitoRoleTrust<Value>(
  identityPoolId: Value,
  amr: 'authenticated' | 'unauthenticated',
): TrustPolicy<Value | string> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: COGNITO_IDENTITY_PRINCIPAL },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: { [`${COGNITO_IDENTITY_PRINCIPAL}:aud`]: identityPoolId },
          'ForAnyValue:StringLike': { [`${COGNITO_IDENTITY_PRINCIPAL}:amr`]: amr },
        },
      },
    ],
  };
}
