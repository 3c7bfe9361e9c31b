import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

function runStart(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(root, 'scripts/start.ts'), ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code) => resolvePromise({ code, output }));
  });
}

describe('npm start fails clearly', () => {
  it('names the port that is taken and how to choose another', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, output } = await runStart(['--no-app'], {
        INKWELL_GATEWAY_PORT: String(port),
        INKWELL_OIDC_PORT: '0',
        INKWELL_DYNAMODB_PORT: '0',
        INKWELL_S3_PORT: '0',
        INKWELL_DATA_DIR: resolve(root, '.data-test-port'),
      });
      expect(code).toBe(1);
      expect(output).toContain(`Port ${port} (gateway) is already in use`);
      expect(output).toContain('INKWELL_*_PORT');
    } finally {
      blocker.close();
    }
  });

  it('says how to install Java when there is none', async () => {
    // Only Node on PATH: no java.
    const { code, output } = await runStart(['--ephemeral', '--no-app'], { PATH: dirname(process.execPath) });
    expect(code).toBe(1);
    expect(output).toContain('DynamoDB Local needs Java 17 or newer');
    expect(output).toContain('apt-get install -y openjdk-17-jre-headless');
  });
});
