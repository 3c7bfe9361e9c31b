/**
 * The gateway's fault endpoint (`/_inkwell/faults`) from a test or script: queue per-request faults, read
 * what was injected. Works only on a stack started with fault injection on.
 */
import { type AwsClients, createAwsClients } from '../../src/aws/client-factory.ts';
import { LOCAL_ADMIN_CREDENTIALS } from '../admin.ts';
import type { FaultConfig, FaultKind, FaultRule, FaultStats } from './faults.ts';

export interface FaultReport extends FaultStats {
  pendingRules: number;
  config: FaultConfig;
}

async function call(gatewayUrl: string, method: string, body?: unknown): Promise<FaultReport> {
  const response = await fetch(`${gatewayUrl}/_inkwell/faults`, {
    method,
    ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const parsed = (await response.json()) as FaultReport & { error?: string };
  if (!response.ok) throw new Error(`fault endpoint: ${parsed.error ?? response.status}`);
  return parsed;
}

/** The next requests matching each rule get its fault (`times`, default once), in order. */
export const queueFaults = (gatewayUrl: string, ...rules: FaultRule[]) => call(gatewayUrl, 'POST', { rules });
export const clearFaults = (gatewayUrl: string) => call(gatewayUrl, 'DELETE');
export const faultReport = (gatewayUrl: string) => call(gatewayUrl, 'GET');

/**
 * Admin clients (one attempt each) whose every DynamoDB request carries `x-inkwell-fault: <fault>`: the
 * per-request header, for tests that fault their own calls. Ignored by a stack without fault injection.
 */
export function clientsWithFaultHeader(gatewayUrl: string, fault: FaultKind | 'none'): AwsClients {
  const clients = createAwsClients({
    region: 'us-east-1',
    endpoint: gatewayUrl,
    credentials: LOCAL_ADMIN_CREDENTIALS,
    maxAttempts: 1,
  });
  clients.dynamodb.middlewareStack.add(
    (next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['x-inkwell-fault'] = fault;
      return next(args);
    },
    { step: 'build', name: 'inkFaultHeader' },
  );
  return clients;
}
