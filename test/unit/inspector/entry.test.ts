import { describe, expect, it } from 'vitest';

describe('jobtrail/inspector entry', () => {
  it('can be imported without a DOM, defining nothing', async () => {
    const entry = await import('../../../src/inspector/index.js');
    expect(typeof entry.JobtrailInspector).toBe('function');
    expect(entry.INSPECTOR_TAG).toBe('jobtrail-inspector');
    expect('customElements' in globalThis).toBe(false);
  });

  it('says what is missing when defineInspector() runs outside a browser', async () => {
    const { defineInspector } = await import('../../../src/inspector/index.js');
    expect(() => defineInspector()).toThrow(/needs a browser window: customElements is not available/);
  });

  it('is imported by no other module of the package', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const src = new URL('../../../src/', import.meta.url);
    const files = (await readdir(src, { recursive: true })).filter((f) => f.endsWith('.ts') && !f.startsWith('inspector'));
    expect(files).toContain('index.ts');
    for (const file of files) {
      expect(await readFile(new URL(file, src), 'utf8'), file).not.toMatch(/from '[^']*inspector[^']*'/);
    }
  });
});
