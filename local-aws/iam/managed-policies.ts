/**
 * AWS managed policies the local stand-ins know, kept as data exactly as AWS publishes them. STS
 * `PolicyArns` may name any of these; any other ARN is refused as AWS refuses a policy that does not
 * exist. Each entry records its version and where the document comes from, so an update is a diff.
 */
import type { PolicyDocument } from '../../src/core/access-policy.ts';

export interface ManagedPolicy {
  arn: string;
  /** The default version AWS evaluates. */
  version: string;
  /** Where the document was copied from, and when AWS last edited it. */
  source: string;
  document: PolicyDocument;
}

/**
 * The scope-down Cognito adds to every guest (unauthenticated) identity's credentials in the enhanced
 * flow (GetCredentialsForIdentity): guests get the intersection of the unauthenticated role and this.
 * It allows no dynamodb and no s3 action, so enhanced-flow guests cannot read the table or the bucket.
 */
export const COGNITO_UNAUTHED_SESSION_POLICY: ManagedPolicy = {
  arn: 'arn:aws:iam::aws:policy/AmazonCognitoUnAuthedIdentitiesSessionPolicy',
  version: 'v3',
  source:
    'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonCognitoUnAuthedIdentitiesSessionPolicy.html (edited 2024-11-01 18:12 UTC)',
  document: {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CognitoUnAuthedIdentitiesSessionPolicy',
        Effect: 'Allow',
        Action: [
          'rum:PutRumEvents',
          'sagemaker:InvokeEndpoint',
          'polly:*',
          'comprehend:*',
          'translate:*',
          'transcribe:*',
          'rekognition:*',
          'mobiletargeting:*',
          'firehose:*',
          'personalize:*',
          'geo:GetMap*',
          'geo:SearchPlaceIndex*',
          'geo:GetPlace',
          'geo:CalculateRoute*',
          'geo:*Geofence',
          'geo:*Geofences',
          'geo:*DevicePosition*',
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptTo',
          'kms:ReEncryptFrom',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyPair',
          'kms:GenerateDataKeyPairWithoutPlaintext',
          'kms:GenerateDataKeyWithoutPlaintext',
        ],
        Resource: '*',
      },
    ],
  },
};

const MANAGED_POLICIES = new Map([COGNITO_UNAUTHED_SESSION_POLICY].map((policy) => [policy.arn, policy]));

/** The managed policy with this ARN, or undefined when the local stack does not model it. */
export function managedPolicy(arn: string): ManagedPolicy | undefined {
  return MANAGED_POLICIES.get(arn);
}
