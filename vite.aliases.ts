// The package's entries resolved to their sources, for the Vite servers of the demo and the browser
// tests: pages and workers import `jobtrail`, `jobtrail/worker`, ... as an application would, with
// no build step in between. (tsconfig.json `paths` says the same to the type checker.)
import { fileURLToPath } from 'node:url';
import type { Alias } from 'vite';

const src = (file: string) => fileURLToPath(new URL(`./src/${file}`, import.meta.url));

export const sourceAliases: Alias[] = [
  { find: /^jobtrail$/, replacement: src('index.ts') },
  { find: /^jobtrail\/worker$/, replacement: src('worker.ts') },
  { find: /^jobtrail\/sw$/, replacement: src('sw.ts') },
  { find: /^jobtrail\/cron$/, replacement: src('cron.ts') },
  { find: /^jobtrail\/react$/, replacement: src('react.ts') },
  { find: /^jobtrail\/inspector$/, replacement: src('inspector/index.ts') },
];
