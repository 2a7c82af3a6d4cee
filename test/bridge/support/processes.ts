// Bridge processes for the tests: started with tsx, killed at will (SIGKILL: a crash, not a goodbye).
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./bridge-process.ts', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');

export interface BridgeProcess {
  port: number;
  child: ChildProcess;
  kill(): Promise<void>;
}

export function startBridgeProcess(settings: { redisPort: number; routes: Record<string, string>; blobDir?: string; pollMs?: number }): Promise<BridgeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, script], {
      env: { ...process.env, BRIDGE_SETTINGS: JSON.stringify(settings) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // Whatever happens to the test, no bridge outlives its process.
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => process.off('exit', reap));
    let output = '';
    child.stdout!.on('data', (data: Buffer) => {
      output += data.toString();
      const line = output.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({
        port: (JSON.parse(line) as { port: number }).port,
        child,
        async kill() {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((done) => child.once('exit', done));
          child.kill('SIGKILL');
          await exited;
        },
      });
    });
    child.once('exit', (code) => reject(new Error(`The bridge process exited (${code}) before it listened: ${output}`)));
  });
}
