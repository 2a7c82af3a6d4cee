// The README's and the JSDoc's examples that need a browser (workers, the service worker, the
// inspector), run in Chromium as written: test/docs/examples.ts reads them from the text, writes
// each as a module with what test/docs/registry.ts puts around it, and the page imports it. An
// example that throws, or whose checks throw, fails here. (The others run in Node:
// test/unit/docs/examples.test.ts; `npm run typecheck` type-checks every one of them.)
import { join, relative } from 'node:path';
import { examplesFor, root, writeModules } from '../docs/examples';
import { registry } from '../docs/registry';
import { expect, test } from './fixtures';

const pages = join(root, 'test/e2e/pages');
const generated = writeModules(examplesFor(registry, 'browser'), registry, join(pages, 'examples/generated'), 'browser');

test('the examples that need a browser are found', () => {
  expect(generated.filter((g) => g.spec.runs === 'browser').map((g) => g.example.id).sort()).toEqual([
    'README.md#processors-in-web-workers/1',
    'README.md#react',
    'README.md#service-worker-and-background-sync/2',
    'README.md#the-inspector',
    'src/inspector/index.ts#defineInspector',
    'src/inspector/inspector-element.ts#JobtrailInspector',
    'src/react.ts#useJob',
    'src/react.ts#useJobCounts',
    'src/react.ts#useJobs',
    'src/react.ts#useQueueEvent',
    'src/sw.ts#requestBackgroundSync',
    'src/sw.ts#serveBackgroundSync',
    'src/workers/expose.ts#exposeProcessor',
  ]);
});

for (const g of generated.filter((x) => x.spec.runs === 'browser')) {
  test(`${g.example.id} (${g.example.source}:${g.example.line}) runs as written`, async ({ openTab }) => {
    const page = await openTab();
    const url = `/${relative(pages, g.driverPath ?? g.path).replace(/\\/g, '/')}`;
    await page.evaluate(async (url) => {
      await import(/* @vite-ignore */ url);
    }, url);
  });
}
