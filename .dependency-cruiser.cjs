// The import rules of src/: the folders are layers, and each imports only the layers below it.
//
//   core/        the job lifecycle, pure (xstate only)
//   store/       IndexedDB (idb)                     -> core
//   channel/     cross-tab notices                   -> core
//   workers/     the comlink wire (comlink)          -> core
//   processing/  the runner, liveness                -> core, store, channel
//   api/         Queue, Job, events, finished()      -> everything above
//   index.ts worker.ts sw.ts cron.ts react.ts        the entries (cron.ts: croner, react.ts: React, each
//                                                    imported by nothing)
//   inspector/   a tool: sees jobtrail only through src/index.ts, like any user
//   bridge/      the wire to BullMQ: protocol.ts (types), forward-to.ts (the browser end, a
//                processor -> core), the rest is the server end (Node only, behind bridge.ts)
//
// `npm run lint:imports` checks them; `npm test` runs it. Type-only imports count too: a cycle
// through types is still a cycle for the reader.
/** A path inside src/ that is not in one of `layers` (folders) or `files` (top-level files). */
const outside = (layers, files = []) => ({
  path: '^src/',
  pathNot: [...layers.map((l) => `^src/${l}/`), ...files.map((f) => `^src/${f.replace('.', '\\.')}$`)],
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle anywhere in src/: every folder must read on its own, bottom up.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'core-is-pure',
      severity: 'error',
      comment: 'src/core/ is the pure job lifecycle: it imports only itself and xstate (no IndexedDB, no DOM, no other layer).',
      from: { path: '^src/core/' },
      to: { pathNot: ['^src/core/', '(^|/)node_modules/xstate/'] },
    },
    {
      name: 'store-sits-on-core',
      severity: 'error',
      comment: 'src/store/ (IndexedDB) imports only src/core/, itself and idb.',
      from: { path: '^src/store/' },
      to: { pathNot: ['^src/core/', '^src/store/', '(^|/)node_modules/idb/'] },
    },
    {
      name: 'channel-sits-on-core',
      severity: 'error',
      comment: 'src/channel/ (cross-tab notices) imports only src/core/ and itself.',
      from: { path: '^src/channel/' },
      to: { pathNot: ['^src/core/', '^src/channel/'] },
    },
    {
      name: 'workers-sit-on-core',
      severity: 'error',
      comment: 'src/workers/ (the comlink wire, both ends) imports only src/core/, itself and comlink.',
      from: { path: '^src/workers/' },
      to: { pathNot: ['^src/core/', '^src/workers/', '(^|/)node_modules/comlink/'] },
    },
    {
      name: 'processing-below-api',
      severity: 'error',
      comment: 'src/processing/ (the runner) imports only src/core/, src/store/, src/channel/ and itself: it takes a host interface, never the Queue.',
      from: { path: '^src/processing/' },
      to: outside(['core', 'store', 'channel', 'processing']),
    },
    {
      name: 'api-below-entries',
      severity: 'error',
      comment: 'src/api/ imports the layers below it, never an entry (index.ts, worker.ts, sw.ts) nor a tool.',
      from: { path: '^src/api/' },
      to: outside(['core', 'store', 'channel', 'workers', 'processing', 'api']),
    },
    {
      name: 'tools-use-the-public-api',
      severity: 'error',
      comment: 'The inspector, jobtrail/sw and jobtrail/react see jobtrail only through src/index.ts, as any user does.',
      from: { path: ['^src/inspector/', '^src/sw\\.ts$', '^src/react\\.ts$'] },
      to: outside(['inspector'], ['index.ts']),
    },
    {
      name: 'nothing-imports-the-inspector',
      severity: 'error',
      comment: 'The inspector is a tool on top of jobtrail: nothing in src/ outside it imports it.',
      from: { path: '^src/', pathNot: '^src/inspector/' },
      to: { path: '^src/inspector/' },
    },
    {
      name: 'bridge-server-stands-alone',
      severity: 'error',
      comment: 'The server end of the bridge (src/bridge.ts, src/bridge/ but forward-to.ts) imports nothing of src/ outside src/bridge/: it runs in Node, apart from the browser code.',
      from: { path: ['^src/bridge/', '^src/bridge\\.ts$'], pathNot: '^src/bridge/forward-to\\.ts$' },
      to: outside(['bridge']),
    },
    {
      name: 'forward-to-sits-on-core',
      severity: 'error',
      comment: "forwardTo, the bridge's browser end, imports only src/core/ and the wire's types (src/bridge/protocol.ts).",
      from: { path: '^src/bridge/forward-to\\.ts$' },
      to: outside(['core'], ['bridge/protocol.ts']),
    },
    {
      name: 'browser-code-never-imports-the-bridge-server',
      severity: 'error',
      comment: 'Browser code reaches the bridge only through forwardTo and the wire types: the server end (bullmq, node:) must never enter a browser bundle.',
      from: { path: '^src/', pathNot: ['^src/bridge/', '^src/bridge\\.ts$'] },
      to: { path: ['^src/bridge\\.ts$', '^src/bridge/'], pathNot: ['^src/bridge/(forward-to|protocol)\\.ts$'] },
    },
    {
      name: 'browser-runtime-dependencies',
      severity: 'error',
      comment: "The browser entries' runtime dependencies are idb, comlink and xstate only, plus croner in its own entry, src/cron.ts, and React (an optional peer) in src/react.ts (the bridge's server end is Node code of its own).",
      from: { path: '^src/', pathNot: ['^src/bridge\\.ts$', '^src/bridge/(?!(forward-to|protocol)\\.ts$)'] },
      to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'npm-unknown', 'core'], pathNot: ['(^|/)node_modules/(idb|comlink|xstate|croner|react)/'] },
    },
    {
      name: 'croner-only-in-its-entry',
      severity: 'error',
      comment: 'croner (cron patterns) is imported by src/cron.ts, the jobtrail/cron entry, alone: an app hands it over with provideCron, so apps that never schedule by pattern never bundle it.',
      from: { path: '^src/', pathNot: '^src/cron\\.ts$' },
      to: { path: '(^|/)node_modules/croner/' },
    },
    {
      name: 'nothing-imports-the-cron-entry',
      severity: 'error',
      comment: 'src/cron.ts (jobtrail/cron) is an entry: nothing in src/ imports it, or croner would be in every bundle.',
      from: { path: '^src/', pathNot: '^src/cron\\.ts$' },
      to: { path: '^src/cron\\.ts$' },
    },
    {
      name: 'react-only-in-its-entry',
      severity: 'error',
      comment: 'React, an optional peer dependency, is imported by src/react.ts (jobtrail/react) alone: the core and the other entries work without it.',
      from: { path: '^src/', pathNot: '^src/react\\.ts$' },
      to: { path: '(^|/)node_modules/(react|react-dom|scheduler)/' },
    },
    {
      name: 'nothing-imports-the-react-entry',
      severity: 'error',
      comment: 'src/react.ts (jobtrail/react) is an entry: nothing in src/ imports it, or every app would need React.',
      from: { path: '^src/', pathNot: '^src/react\\.ts$' },
      to: { path: '^src/react\\.ts$' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves to a file.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
    },
  },
};
