// The import rules of .dependency-cruiser.cjs catch what they promise: a small src/ tree with one
// forbidden import per rule fails the check, and each error names its rule and the import.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
let dir: string;

/** Every file of the fixture tree: one forbidden import per rule, plus allowed ones beside them. */
const tree: Record<string, string> = {
  'src/core/types.ts': 'export type A = 1;\n',
  'src/core/pure.ts': "import type { Machine } from 'xstate';\nimport type { A } from './types.js';\nexport type B = [A, Machine<never, never>];\n",
  'src/core/impure.ts': "import type { R } from '../store/record.js';\nexport type C = R;\n",
  'src/core/ping.ts': "import { pong } from './pong.js';\nexport const ping = () => pong;\n",
  'src/core/pong.ts': "import { ping } from './ping.js';\nexport const pong = () => ping;\n",
  'src/store/record.ts': "import type { A } from '../core/types.js';\nexport type R = A;\n",
  'src/store/upward.ts': "import { Queue } from '../api/queue.js';\nexport const q = Queue;\n",
  'src/store/foreign.ts': "import ts from 'typescript';\nexport const v = ts.version;\n",
  'src/channel/notices.ts': "import type { R } from '../store/record.js';\nexport type N = R;\n",
  'src/workers/pool.ts': "import { run } from '../processing/runner.js';\nexport const p = run;\n",
  'src/processing/runner.ts': "import { Queue } from '../api/queue.js';\nexport const run = () => Queue;\n",
  'src/api/queue.ts': "import type { R } from '../store/record.js';\nexport class Queue { r?: R; }\n",
  'src/api/entry.ts': "import { Queue } from '../index.js';\nexport const e = Queue;\n",
  'src/api/tool.ts': "import { view } from '../inspector/view.js';\nexport const t = view;\n",
  'src/index.ts': "export { Queue } from './api/queue.js';\n",
  'src/sw.ts': "import { Queue } from './api/queue.js';\nexport const s = Queue;\n",
  'src/inspector/view.ts': "import { Queue } from '../index.js';\nimport type { R } from '../store/record.js';\nexport const view = (r: R) => [Queue, r];\n",
  'src/bridge/protocol.ts': 'export type W = 1;\n',
  'src/bridge/server.ts': "import type { Server } from 'node:http';\nimport type { A } from '../core/types.js';\nimport type { W } from './protocol.js';\nexport type S = [A, W, Server];\n",
  'src/bridge/forward-to.ts': "import type { W } from './protocol.js';\nimport type { A } from '../core/types.js';\nimport type { R } from '../store/record.js';\nexport type F = [W, A, R];\n",
  'src/api/remote.ts': "import type { S } from '../bridge/server.js';\nexport type X = S;\n",
  'src/cron.ts': "export { Cron } from 'croner';\n",
  'src/processing/eager-cron.ts': "import { Cron } from 'croner';\nexport const c = Cron;\n",
  'src/api/with-cron.ts': "import { Cron } from '../cron.js';\nexport const c = Cron;\n",
  'src/react.ts': "import { useSyncExternalStore } from 'react';\nimport { Queue } from './index.js';\nimport type { R } from './store/record.js';\nexport const r = (x: R) => [useSyncExternalStore, Queue, x];\n",
  'src/processing/eager-react.ts': "import { useState } from 'react';\nexport const u = useState;\n",
  'src/api/with-react.ts': "import { r } from '../react.js';\nexport const w = r;\n",
  'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler', strict: true }, include: ['src'] }),
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jobtrail-layers-'));
  for (const [file, text] of Object.entries(tree)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The errors depcruise reports for the fixture, as `rule: from → to`, and its exit status. */
function check(): { status: number; errors: string[] } {
  const bin = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
  try {
    execFileSync(process.execPath, [bin, 'src', '--config', join(root, '.dependency-cruiser.cjs')], { cwd: dir, stdio: 'pipe' });
    return { status: 0, errors: [] };
  } catch (err) {
    const { status, stdout } = err as { status: number; stdout: Buffer };
    // A package shows as its name: its path depends on where node_modules really is.
    const errors = [...stdout.toString().matchAll(/error ([\w-]+): (\S+) →\s+(\S+)/g)].map(
      ([, rule, from, to]) => `${rule}: ${from} → ${to!.replace(/^.*node_modules\/([^/]+)\/.*$/, '$1')}`,
    );
    return { status, errors };
  }
}

describe('the import rules', () => {
  it('fail the check, naming the rule and the import, for each kind of forbidden import', () => {
    const { status, errors } = check();
    expect(status).not.toBe(0);
    for (const expected of [
      'core-is-pure: src/core/impure.ts → src/store/record.ts',
      'store-sits-on-core: src/store/upward.ts → src/api/queue.ts',
      'browser-runtime-dependencies: src/store/foreign.ts → typescript',
      'channel-sits-on-core: src/channel/notices.ts → src/store/record.ts',
      'workers-sit-on-core: src/workers/pool.ts → src/processing/runner.ts',
      'processing-below-api: src/processing/runner.ts → src/api/queue.ts',
      'api-below-entries: src/api/entry.ts → src/index.ts',
      'nothing-imports-the-inspector: src/api/tool.ts → src/inspector/view.ts',
      'tools-use-the-public-api: src/sw.ts → src/api/queue.ts',
      'tools-use-the-public-api: src/inspector/view.ts → src/store/record.ts',
      'bridge-server-stands-alone: src/bridge/server.ts → src/core/types.ts',
      'forward-to-sits-on-core: src/bridge/forward-to.ts → src/store/record.ts',
      'browser-code-never-imports-the-bridge-server: src/api/remote.ts → src/bridge/server.ts',
      'croner-only-in-its-entry: src/processing/eager-cron.ts → croner',
      'nothing-imports-the-cron-entry: src/api/with-cron.ts → src/cron.ts',
      'react-only-in-its-entry: src/processing/eager-react.ts → react',
      'nothing-imports-the-react-entry: src/api/with-react.ts → src/react.ts',
      'tools-use-the-public-api: src/react.ts → src/store/record.ts',
    ]) {
      expect(errors).toContain(expected);
    }
    expect(errors.filter((e) => e.startsWith('no-circular:'))).not.toHaveLength(0);
  });

  it('allow the imports that run downward', () => {
    const { errors } = check();
    for (const allowed of ['src/core/pure.ts', 'src/store/record.ts', 'src/api/queue.ts', 'src/index.ts', 'src/bridge/protocol.ts']) {
      expect(errors.filter((e) => e.includes(`: ${allowed} →`))).toEqual([]);
    }
    expect(errors.filter((e) => e.endsWith('→ src/index.ts') && e.includes('src/inspector/'))).toEqual([]);
    // The bridge's server end may use Node; its browser end may use the core and the wire's types.
    expect(errors.filter((e) => e.includes('src/bridge/server.ts → node:http') || e.includes('→ src/bridge/protocol.ts'))).toEqual([]);
    expect(errors.filter((e) => e.includes('src/bridge/forward-to.ts → src/core/'))).toEqual([]);
    // croner, in the entry of its own; React, in its own, on the public entry.
    expect(errors.filter((e) => e.includes('src/cron.ts →'))).toEqual([]);
    expect(errors.filter((e) => e.includes('src/react.ts → react') || e.includes('src/react.ts → src/index.ts'))).toEqual([]);
  });
});
