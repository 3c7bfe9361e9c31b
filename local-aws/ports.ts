import { connect, createServer } from 'node:net';

export class PortInUseError extends Error {
  readonly code = 'port-in-use';
  readonly port: number;
  readonly service: string;

  constructor(port: number, service: string) {
    super(
      `Port ${port} (${service}) is already in use. Stop whatever is listening there ` +
        `(is another "npm start" running?) or choose other ports with INKWELL_*_PORT (see README).`,
    );
    this.port = port;
    this.service = service;
  }
}
/** Resolves to a port nobody listens on; with `preferred` 0 the OS picks one. */
export async function reservePort(preferred: number, service: string, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(preferred, service) : error);
    });
    server.listen(preferred, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : preferred;
      server.close(() => resolve(port));
    });
  });
}

/** Polls until something accepts TCP connections on the port, or fails after `timeoutMs`. */
export async function waitForPort(port: number, service: string, timeoutMs = 30_000, host = '127.0.0.1') {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${service} did not start listening on ${host}:${port} within ${timeoutMs / 1000} s`);
}
