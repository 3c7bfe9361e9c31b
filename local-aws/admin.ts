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
