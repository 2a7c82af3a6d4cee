// Every example of README.md and of the JSDoc comments in src/ compiles under strict and runs:
// those that need no browser here, in Node with fake-indexeddb; the others in Chromium
// (test/e2e/examples.spec.ts) or, for the bridge to BullMQ, with a real Redis
// (test/bridge/examples.test.ts). The examples are read from the text (test/docs/examples.ts) and run
// with what test/docs/registry.ts puts before and after them.
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { allExamples, root, writeModules, type Generated } from '../../docs/examples.js';
import { registry } from '../../docs/registry.js';

const examples = allExamples();
const runsIn = (where: 'node' | 'browser' | 'bridge') => examples.filter((e) => {
  const runs = registry[e.id]?.runs;
  return runs === where || (typeof runs === 'object' && registry[runs.with]?.runs === where);
});
const forNode = writeModules(runsIn('node'), registry, join(root, 'test/docs/generated/node'), 'node');
const forBridge = writeModules(runsIn('bridge'), registry, join(root, 'test/docs/generated/bridge'), 'node');
const forBrowser = writeModules(runsIn('browser'), registry, join(root, 'test/e2e/pages/examples/generated'), 'browser');

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

  it('compile under strict, as written', () => {
    const generated = [...forNode, ...forBridge, ...forBrowser];
    const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    expect(config.options.strict).toBe(true);
    const files = generated.flatMap((g) => (g.driverPath ? [g.path, g.driverPath] : [g.path]));
    const program = ts.createProgram(files, { ...config.options, noEmit: true });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => describeDiagnostic(d, generated));
    expect(problems).toEqual([]);
  }, 120_000);

  describe('run in Node', () => {
    it.each(forNode.filter((g) => g.spec.runs === 'node').map((g) => [g.example.id, g] as const))('%s', async (_id, generated) => {
      await import(pathToFileURL(generated.path).href);
    });
  });
});

/** A diagnostic, located in README.md or src/ when it falls in an example's own lines. */
function describeDiagnostic(d: ts.Diagnostic, generated: Generated[]): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (!d.file || d.start === undefined) return message;
  const { line } = d.file.getLineAndCharacterOfPosition(d.start);
  const g = generated.find((x) => x.path === d.file!.fileName || x.path === join(d.file!.fileName));
  const exampleLines = g ? g.example.code.split('\n').length - 1 : 0;
  if (g && line >= g.offset && line < g.offset + exampleLines) return `${g.example.source}:${g.example.line + line - g.offset}: ${message}`;
  return `${relative(root, d.file.fileName)}:${line + 1}: ${message}`;
}
