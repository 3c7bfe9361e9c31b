/**
 * Clients for operator jobs (deploy, export, import, load seeding). These run with operator
 * credentials, never a browser's: locally the stack's admin key against the gateway, on AWS the
 * default credential chain (environment, profile, SSO, instance role).
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { LOCAL_ADMIN_CREDENTIALS } from '../../local-aws/admin.ts';
import { type AwsClients, createAwsClients } from '../../src/aws/client-factory.ts';

export interface OperatorTarget {
  region: string;
  /** The local gateway; absent on AWS. */
  endpoint?: string;
}

export function operatorClients(target: OperatorTarget): AwsClients {
  return createAwsClients({
    region: target.region,
    ...(target.endpoint
      ? { endpoint: target.endpoint, credentials: LOCAL_ADMIN_CREDENTIALS }
      : { credentials: defaultProvider() }),
    // Bulk jobs meet throttling by design; the SDK's own retries absorb short bursts.
    maxAttempts: 8,
  });
}
