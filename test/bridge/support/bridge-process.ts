// A bridge in a process of its own, as in production: `node --import tsx bridge-process.ts`, with
// the settings as JSON in BRIDGE_SETTINGS. Prints `{"port":N}` once it listens. Clients identify
// themselves with an `x-client` header or, from a page, a `session` cookie (the app's session).
import { createServer } from 'node:http';
import { createBridge } from '../../../src/bridge.js';

const settings = JSON.parse(process.env.BRIDGE_SETTINGS ?? '{}') as { redisPort: number; routes: Record<string, string>; blobDir?: string; pollMs?: number };
const bridge = createBridge({
  connection: { host: '127.0.0.1', port: settings.redisPort },
  routes: settings.routes,
  authorize: (request) => {
    const clientId = request.headers.get('x-client') ?? /(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
    return clientId ? { clientId } : null;
  },
  ...(settings.blobDir && { blobDir: settings.blobDir }),
  ...(settings.pollMs && { pollMs: settings.pollMs }),
  // Redis restarts in some tests: connection errors are expected then.
  onError: () => {},
});
const server = createServer((req, res) => void bridge.handleNode(req, res));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void bridge.close().then(() => process.exit(0));
});
