import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { RuntimeConfig } from '../../src/config/runtime-config.ts';

export interface RunningStack {
  appUrl: string;
  gatewayUrl: string;
  oidcIssuer: string;
  /** The plain OAuth 2.0 provider's base URL (absent with `oauth2Provider: false`). */
  oauth2Url?: string;
  dataDir: string;
  config: RuntimeConfig;
  stop(): Promise<void>;
}

export interface StackProcessOptions {
  /** Lifetime of temporary AWS credentials, seconds. */
  credentialsTtlSeconds?: number;
  tokenTtlSeconds?: number;
  identityMode?: 'cognito' | 'sts';
  /** Serve the production build (dist/) rather than the dev server. */
  app?: 'dist' | 'dev' | 'none';
  extraOrigins?: string[];
  /** The plain OAuth 2.0 provider, offered as provider `oauth2`: on unless false (`npm start -- --no-oauth2`). */
  oauth2Provider?: boolean;
  /** Fault injection in the gateway (`npm start -- --faults=...`, local-aws/gateway/faults.ts). */
  faults?: string;
}

const root = resolve(import.meta.dirname, '../..');

/**
 * Starts `npm start` in ephemeral mode, on free ports with a throwaway data folder, so tests never collide
 * with a developer's running stack. Resolves when the stack prints its endpoints.
 */
export async function startStackProcess(options: StackProcessOptions = {}): Promise<RunningStack> {
  const args = ['--import', 'tsx', resolve(root, 'scripts/start.ts'), '--ephemeral', '--json'];
  if (options.app === 'none') args.push('--no-app');
  else args.push(`--app=${options.app ?? 'dist'}`);
  if (options.credentialsTtlSeconds) args.push(`--credentials-ttl=${options.credentialsTtlSeconds}`);
  if (options.tokenTtlSeconds) args.push(`--token-ttl=${options.tokenTtlSeconds}`);
  if (options.identityMode) args.push(`--identity-mode=${options.identityMode}`);
  if (options.oauth2Provider === false) args.push('--no-oauth2');
  if (options.faults) args.push(`--faults=${options.faults}`);
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, INKWELL_EXTRA_ORIGINS: (options.extraOrigins ?? []).join(',') },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-8000);
    if (process.env.INKWELL_STACK_LOG) process.stderr.write(chunk);
  });
  const ready = await new Promise<Omit<RunningStack, 'stop'>>((resolvePromise, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`local stack did not start in 120 s:\n${stderr}`)),
      120_000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited with ${code}:\n${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const parsed = JSON.parse(line) as { ready?: boolean } & Omit<RunningStack, 'stop'>;
      if (parsed.ready) {
        clearTimeout(timer);
        resolvePromise(parsed);
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    ...ready,
    stop: () =>
      new Promise<void>((resolvePromise) => {
        if (child.exitCode !== null) return resolvePromise();
        child.once('exit', () => resolvePromise());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
