/**
 * The serializers are right when the real SDK clients turn their output into the same exceptions the
 * services' own errors become.
 */
import { CognitoIdentityClient, GetIdCommand } from '@aws-sdk/client-cognito-identity';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { HttpResponse } from '@smithy/protocol-http';
import { describe, expect, it } from 'vitest';
import {
  AwsError,
  authErrors,
  cognitoErrorResponse,
  dynamoErrorResponse,
  type ErrorResponse,
  s3ErrorResponse,
  stsErrorResponse,
  validationError,
} from './aws-errors.ts';

/** An HTTP handler that answers every request with the given response. */
function answering(response: ErrorResponse) {
  return {
    async handle() {
      const body = new TextEncoder().encode(response.body);
      return { response: new HttpResponse({ statusCode: response.status, headers: response.headers, body }) };
    },
    updateHttpClientConfig(): void {},
    httpHandlerConfigs() {
      return {};
    },
  };
}

const config = (response: ErrorResponse) => ({
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:4566',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  maxAttempts: 1,
  requestHandler: answering(response),
});

async function thrownBy(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
  }
  throw new Error('expected the call to fail');
}

describe('AwsError serializers, as the SDK reads them', () => {
  it('DynamoDB (JSON 1.0): access denied, validation, auth errors', async () => {
    const denied = new AwsError('AccessDeniedException', 'User: x is not authorized', 400);
    const response = dynamoErrorResponse(denied, 'req-1');
    expect(JSON.parse(response.body)).toEqual({
      __type: 'com.amazon.coral.service#AccessDeniedException',
      Message: 'User: x is not authorized',
    });
    expect(response.headers['x-amzn-requestid']).toBe('req-1');
    const client = (r: ErrorResponse) => new DynamoDBClient(config(r));
    const get = new GetItemCommand({ TableName: 'inkwell', Key: { PK: { S: 'x' } } });
    const error = await thrownBy(client(response).send(get));
    expect(error).toMatchObject({ name: 'AccessDeniedException', message: 'User: x is not authorized' });
    expect(error.$metadata?.httpStatusCode).toBe(400);
    const invalid = await thrownBy(client(dynamoErrorResponse(validationError('bad key'))).send(get));
    expect(invalid).toMatchObject({ name: 'ValidationException', message: 'bad key' });
    const expired = await thrownBy(client(dynamoErrorResponse(authErrors('json').expiredToken())).send(get));
    expect(expired.name).toBe('ExpiredTokenException');
  });

  it('S3 (REST-XML): code, message, extra fields and status', async () => {
    const error = authErrors('s3').unknownAccessKey('ASIAXYZ');
    const response = s3ErrorResponse(error, '/inkwell-assets/a&b', 'req-2');
    expect(response.body).toContain('<AWSAccessKeyId>ASIAXYZ</AWSAccessKeyId>');
    expect(response.body).toContain('<Resource>/inkwell-assets/a&#38;b</Resource>');
    const client = new S3Client({ ...config(response), forcePathStyle: true });
    const thrown = await thrownBy(
      client.send(new GetObjectCommand({ Bucket: 'inkwell-assets', Key: 'a&b' })),
    );
    expect(thrown).toMatchObject({ name: 'InvalidAccessKeyId', message: error.message });
    expect(thrown.$metadata?.httpStatusCode).toBe(403);
  });

  it('STS (query protocol): Sender faults with the code', async () => {
    const response = stsErrorResponse(new AwsError('InvalidIdentityToken', 'Token is expired', 400));
    expect(response.body).toContain('<Type>Sender</Type>');
    const client = new STSClient(config(response));
    const thrown = await thrownBy(
      client.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: 'arn:aws:iam::000000000000:role/inkwell-writer',
          RoleSessionName: 's',
          WebIdentityToken: 'jwt',
        }),
      ),
    );
    expect(thrown).toMatchObject({ name: 'InvalidIdentityTokenException', message: 'Token is expired' });
  });

  it('Cognito Identity (JSON 1.1): bare code as __type', async () => {
    const response = cognitoErrorResponse(
      new AwsError('NotAuthorizedException', 'Unauthenticated access is not supported', 400),
    );
    expect(JSON.parse(response.body)).toEqual({
      __type: 'NotAuthorizedException',
      message: 'Unauthenticated access is not supported',
    });
    const client = new CognitoIdentityClient(config(response));
    const thrown = await thrownBy(client.send(new GetIdCommand({ IdentityPoolId: 'us-east-1:pool' })));
    expect(thrown).toMatchObject({
      name: 'NotAuthorizedException',
      message: 'Unauthenticated access is not supported',
    });
  });

  it('spells each authentication failure per dialect', () => {
    const json = authErrors('json');
    const s3 = authErrors('s3');
    const debug = { canonicalRequest: 'c', stringToSign: 's' };
    expect([json.signatureMismatch(debug).code, s3.signatureMismatch(debug).code]).toEqual([
      'InvalidSignatureException',
      'SignatureDoesNotMatch',
    ]);
    expect([json.unknownAccessKey('k').httpStatus, s3.unknownAccessKey('k').httpStatus]).toEqual([400, 403]);
    expect([json.expiredToken().code, s3.expiredToken().code]).toEqual([
      'ExpiredTokenException',
      'ExpiredToken',
    ]);
    expect([json.missingAuthentication().code, s3.missingAuthentication().code]).toEqual([
      'MissingAuthenticationTokenException',
      'AccessDenied',
    ]);
    expect([
      json.malformed('m', false).code,
      s3.malformed('m', false).code,
      s3.malformed('m', true).code,
    ]).toEqual([
      'IncompleteSignatureException',
      'AuthorizationHeaderMalformed',
      'AuthorizationQueryParametersError',
    ]);
  });
});
