/**
 * The local ports every script reads, from the same environment variables (`npm start`, `npm run seed`,
 * …), so a stack moved with INKWELL_APP_PORT and friends is found where it runs. See the README's table.
 */
import { DEFAULT_PORTS } from '../../local-aws/stack.ts';

export interface LocalPorts {
  app: number;
  gateway: number;
  oidc: number;
  dynamodb: number;
  s3: number;
  oauth2: number;
}

export const DEFAULT_APP_PORT = 5173;
export const DEFAULT_OAUTH2_PORT = 4570;

/** The configured ports; with `ephemeral`, 0 everywhere (free ports, what the tests use). */
export function localPorts(
  env: NodeJS.ProcessEnv = process.env,
  options: { ephemeral?: boolean } = {},
): LocalPorts {
  const port = (name: string, fallback: number) => {
    if (options.ephemeral) return 0;
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
      throw new Error(`${name}=${value} is not a port number.`);
    }
    return parsed;
  };
  return {
    app: port('INKWELL_APP_PORT', DEFAULT_APP_PORT),
    gateway: port('INKWELL_GATEWAY_PORT', DEFAULT_PORTS.gateway),
    oidc: port('INKWELL_OIDC_PORT', DEFAULT_PORTS.oidc),
    dynamodb: port('INKWELL_DYNAMODB_PORT', DEFAULT_PORTS.dynamodb),
    s3: port('INKWELL_S3_PORT', DEFAULT_PORTS.s3),
    oauth2: port('INKWELL_OAUTH2_PORT', DEFAULT_OAUTH2_PORT),
  };
}

/** Where the app of a local stack started with these settings answers. */
export function localAppUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.INKWELL_APP_URL ?? `http://127.0.0.1:${localPorts(env).app}`;
}
