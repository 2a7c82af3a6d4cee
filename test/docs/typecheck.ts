// `npm run typecheck` runs this after tsc: every example of README.md and of the JSDoc comments in
// src/, written as the module it runs as (test/docs/examples.ts, registry.ts), must compile under
// the project's strict settings. Problems are reported at the example's own line in README.md or
// src/ when they fall there. (Run here, not in the unit suite: a whole-program check is the
// heaviest thing the tests do, and the unit suite's timing-sensitive tests share the cores.)
import { join, relative } from 'node:path';
import ts from 'typescript';
import { allExamples, examplesFor, root, writeModules, type Generated } from './examples.js';
import { registry } from './registry.js';

/** Write every example's module and type-check them all; the problems found, located. */
export function checkExamples(): string[] {
  const generated = [
    ...writeModules(examplesFor(registry, 'node'), registry, join(root, 'test/docs/generated/node'), 'node'),
    ...writeModules(examplesFor(registry, 'bridge'), registry, join(root, 'test/docs/generated/bridge'), 'node'),
    ...writeModules(examplesFor(registry, 'browser'), registry, join(root, 'test/e2e/pages/examples/generated'), 'browser'),
  ];
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config?.options.strict) return ['tsconfig.json must be strict'];
  const files = generated.flatMap((g) => (g.driverPath ? [g.path, g.driverPath] : [g.path]));
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  return ts.getPreEmitDiagnostics(program).map((d) => describeDiagnostic(d, generated));
}

/** A diagnostic, located in README.md or src/ when it falls in an example's own lines. */
function describeDiagnostic(d: ts.Diagnostic, generated: Generated[]): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (!d.file || d.start === undefined) return message;
  const { line } = d.file.getLineAndCharacterOfPosition(d.start);
  const g = generated.find((x) => x.path === d.file!.fileName);
  const exampleLines = g ? g.example.code.split('\n').length - 1 : 0;
  if (g && line >= g.offset && line < g.offset + exampleLines) return `${g.example.source}:${g.example.line + line - g.offset}: ${message}`;
  return `${relative(root, d.file.fileName)}:${line + 1}: ${message}`;
}

if (process.argv[1] && import.meta.url.endsWith(relative(root, process.argv[1]).replace(/\\/g, '/'))) {
  const problems = checkExamples();
  for (const problem of problems) console.error(problem);
  console.log(problems.length === 0 ? `The examples compile (${allExamples().length}).` : `${problems.length} problem(s) in the examples.`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
