/**
 * The basic (classic) flow, for scripts and tests: GetId, GetOpenIdToken, then STS
 * AssumeRoleWithWebIdentity on a role that trusts the pool. The browser does the same in
 * src/aws/credentials.ts; guests must, because the enhanced flow scopes guest keys down to no
 * DynamoDB or S3 access (as AWS does).
 */
import { CognitoIdentityClient, GetIdCommand, GetOpenIdTokenCommand } from '@aws-sdk/client-cognito-identity';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';

export interface BasicFlowCredentials {
  identityId: string;
  openIdToken: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string };
}

export async function basicFlowCredentials(options: {
  endpoint: string;
  region?: string;
  identityPoolId: string;
  roleArn: string;
  /** Signed-in identities present their login; guests none. */
  logins?: Record<string, string>;
}): Promise<BasicFlowCredentials> {
  const clientConfig = { region: options.region ?? 'us-east-1', endpoint: options.endpoint, maxAttempts: 1 };
  const cognito = new CognitoIdentityClient(clientConfig);
  const sts = new STSClient(clientConfig);
  try {
    const logins = options.logins ? { Logins: options.logins } : {};
    const { IdentityId } = await cognito.send(
      new GetIdCommand({ IdentityPoolId: options.identityPoolId, ...logins }),
    );
    const { Token } = await cognito.send(new GetOpenIdTokenCommand({ IdentityId: IdentityId!, ...logins }));
    const { Credentials } = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: options.roleArn,
        RoleSessionName: 'basic-flow',
        WebIdentityToken: Token!,
      }),
    );
    return {
      identityId: IdentityId!,
      openIdToken: Token!,
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken!,
      },
    };
  } finally {
    cognito.destroy();
    sts.destroy();
  }
}
