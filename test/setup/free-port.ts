import { createServer } from 'node:net';

/**
 * A port that was free on 127.0.0.1 a moment ago (the kernel picks it). Another process
 * could grab it before we use it; the DynamoDB Local launcher then exits with
 * "Address already in use" rather than talking to the wrong server.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not read the free port'))));
    });
  });
}
