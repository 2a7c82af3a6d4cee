// A redis-server of the test's own, on a free loopback port, in a temporary directory; optionally
// persistent (append-only file, fsync on every write) so that a restart keeps every job.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const redisServerPath = process.env.REDIS_SERVER_PATH || 'redis-server';

export interface TestRedis {
  port: number;
  connection: { host: string; port: number };
  /** Kill it at once (SIGKILL): what is not on disk is lost. */
  kill(): Promise<void>;
  /** Start it again on the same port and directory. */
  start(): Promise<void>;
  /** Stop it and delete its directory. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (redis-server cannot listen on port 0 itself). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startRedis({ persistent = false } = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'jobtrail-redis-'));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--loglevel', 'notice'];
  if (persistent) args.push('--appendonly', 'yes', '--appendfsync', 'always');
  else args.push('--appendonly', 'no');
  let child: ChildProcess | undefined;

  const start = () =>
    new Promise<void>((resolve, reject) => {
      // Ready when it says so (at log level notice): no polling.
      const proc = spawn(redisServerPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      // Whatever happens to the test (a hook that times out), no Redis outlives its process.
      const reap = () => proc.kill('SIGKILL');
      process.once('exit', reap);
      proc.once('exit', () => process.off('exit', reap));
      let output = '';
      const onData = (data: Buffer) => {
        output += data.toString();
        if (output.includes('Ready to accept connections')) {
          proc.stdout!.off('data', onData);
          proc.stdout!.resume();
          resolve();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', (data: Buffer) => (output += data.toString()));
      proc.once('error', (err) => reject(new Error(`Cannot start ${redisServerPath} (apt-get install -y redis-server, or set REDIS_SERVER_PATH): ${err.message}`)));
      proc.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
    });

  const kill = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };

  await start();
  return {
    port,
    connection: { host: '127.0.0.1', port },
    kill,
    start,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
