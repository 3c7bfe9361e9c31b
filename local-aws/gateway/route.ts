/**
 * Which AWS service a request to the single gateway endpoint is for, decided the way LocalStack does on
 * its one port: by X-Amz-Target, the STS query protocol, the SigV4 credential scope, and otherwise
 * path-style S3.
 */
export type ServiceRoute =
  | { service: 'dynamodb'; operation: string }
  | { service: 'cognito-identity'; operation: string }
  | { service: 'sts'; operation: string }
  | { service: 's3' }
  | { service: 'preflight' }
  | { service: 'health' };

const DYNAMODB_TARGET = 'DynamoDB_20120810.';
const COGNITO_TARGET = 'AWSCognitoIdentityService.';

export function routeRequest(input: {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body: Uint8Array;
}): ServiceRoute {
  const { method, path, headers } = input;
  const target = headers['x-amz-target'] ?? '';
  if (method === 'OPTIONS') {
    // Only S3 has per-bucket CORS rules; every other endpoint answers preflights itself, as AWS does.
    const requested = (headers['access-control-request-headers'] ?? '').toLowerCase();
    const pathOnly = path.split('?')[0] ?? '/';
    return pathOnly === '/' || requested.includes('x-amz-target')
      ? { service: 'preflight' }
      : { service: 's3' };
  }
  if (target.startsWith(DYNAMODB_TARGET))
    return { service: 'dynamodb', operation: target.slice(DYNAMODB_TARGET.length) };
  if (target.startsWith(COGNITO_TARGET)) {
    return { service: 'cognito-identity', operation: target.slice(COGNITO_TARGET.length) };
  }
  if (method === 'GET' && path === '/_inkwell/health') return { service: 'health' };
  const contentType = headers['content-type'] ?? '';
  if (
    method === 'POST' &&
    path.split('?')[0] === '/' &&
    contentType.startsWith('application/x-www-form-urlencoded')
  ) {
    const action = new URLSearchParams(Buffer.from(input.body).toString('utf8')).get('Action');
    if (action) return { service: 'sts', operation: action };
  }
  return { service: 's3' };
}
