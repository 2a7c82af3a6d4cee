// Every example of README.md and of the JSDoc comments in src/ runs: those that need no browser
// here, in Node with fake-indexeddb; the others in Chromium (test/e2e/examples.spec.ts) or, for
// the bridge to BullMQ, with a real Redis (test/bridge/examples.test.ts). The examples are read from
// the text (test/docs/examples.ts) and run with what test/docs/registry.ts puts before and after
// them. That every one compiles under strict is checked by `npm run typecheck` (test/docs/typecheck.ts).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allExamples, examplesFor, root, writeModules } from '../../docs/examples.js';
import { registry } from '../../docs/registry.js';

const examples = allExamples();
const forNode = writeModules(examplesFor(registry, 'node'), registry, join(root, 'test/docs/generated/node'), 'node');

describe('the examples of the README and the JSDoc comments', () => {
  it('are found: the README blocks and the JSDoc @example parts', () => {
    expect(examples.filter((e) => e.source === 'README.md').length).toBeGreaterThanOrEqual(8);
    expect(examples.filter((e) => e.source.startsWith('src/')).length).toBeGreaterThanOrEqual(20);
  });

  it('are each listed in test/docs/registry.ts, which lists nothing else', () => {
    const ids = examples.map((e) => e.id);
    expect(ids.filter((id) => !(id in registry)), 'examples with no entry in the registry').toEqual([]);
    expect(Object.keys(registry).filter((id) => !ids.includes(id)), 'registry entries with no example').toEqual([]);
    for (const [id, spec] of Object.entries(registry)) {
      if (typeof spec.runs === 'object') expect(registry[spec.runs.with]?.runs, `${id} runs with ${spec.runs.with}`).toMatch(/^(node|browser|bridge)$/);
    }
  });

  describe('run in Node', () => {
    it.each(forNode.filter((g) => g.spec.runs === 'node').map((g) => [g.example.id, g] as const))('%s', async (_id, generated) => {
      await import(pathToFileURL(generated.path).href);
    });
  });
});
