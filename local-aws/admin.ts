import type { PolicyDocument } from '../src/core/access-policy.ts';
import type { SessionStore } from './sessions.ts';

/**
 * The local stack's long-lived admin key, for scripts only (provisioning, seeding, tests' setup).
 * The browser never sees it: it signs in and gets temporary keys like every user.
 */
export const LOCAL_ADMIN_CREDENTIALS = {
  accessKeyId: 'AKIAINKWELLLOCALADMIN',
  secretAccessKey: 'inkwell-local-admin-secret-not-for-production',
} as const;

export function registerAdmin(sessions: SessionStore, accountId: string): void {
  sessions.add({
    ...LOCAL_ADMIN_CREDENTIALS,
    roleArn: `arn:aws:iam::${accountId}:user/inkwell-local-admin`,
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
    variables: {},
  });
}

/**
 * The publisher's key: what the Lambda function's role is on AWS. It holds exactly the generated
 * publisher policy, so the gateway refuses locally whatever the role would refuse there.
 */
export const LOCAL_PUBLISHER_CREDENTIALS = {
  accessKeyId: 'AKIAINKWELLPUBLISHER',
  secretAccessKey: 'inkwell-local-publisher-secret-not-for-production',
} as const;

export function registerPublisher(sessions: SessionStore, accountId: string, policy: PolicyDocument): void {
  sessions.add({
    ...LOCAL_PUBLISHER_CREDENTIALS,
    roleArn: `arn:aws:iam::${accountId}:role/inkwell-publisher`,
    policy,
    variables: {},
  });
}
