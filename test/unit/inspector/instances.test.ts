// Who ran an attempt, in words: the owner of a claim is an instance's UUID; the inspector calls it
// "tab 2" or "Web Worker 1", and still says what it was once it is gone.
import { describe, expect, it } from 'vitest';
import type { WorkerInfo } from '../../../src/index.js';
import { InstanceNames, shortUrl } from '../../../src/inspector/instances.js';

const info = (id: string, kind: WorkerInfo['kind'], startedAt: number, url: string | null = null): WorkerInfo =>
  ({ id, kind, startedAt, url, concurrency: 1, handlers: [{ name: '*', concurrency: 1 }], paused: false });

const TAB_A = 'aaaaaaaa-1111-4111-8111-111111111111';
const TAB_B = 'bbbbbbbb-2222-4222-8222-222222222222';
const WORKER = 'cccccccc-3333-4333-8333-333333333333';
const SW = 'dddddddd-4444-4444-8444-444444444444';

describe('InstanceNames', () => {
  it('numbers the instances of each kind in the order they started', () => {
    const names = new InstanceNames();
    names.see([info(TAB_B, 'window', 20, 'http://127.0.0.1/app/?q=2'), info(WORKER, 'worker', 5, 'http://127.0.0.1/assets/queue.worker.js'), info(TAB_A, 'window', 10, 'http://127.0.0.1/app/')]);
    expect(names.describe(TAB_A).text).toBe('tab 1 (/app/) · aaaaaaaa');
    expect(names.describe(TAB_B).text).toBe('tab 2 (/app/?q=2) · bbbbbbbb');
    expect(names.describe(WORKER)).toMatchObject({ kind: 'Web Worker', number: 1, name: 'Web Worker 1', where: 'queue.worker.js', live: true });
  });

  it('calls the service worker the service worker', () => {
    const names = new InstanceNames();
    names.see([info(SW, 'serviceworker', 1, 'http://127.0.0.1/sw.js')]);
    expect(names.describe(SW)).toMatchObject({ name: 'the service worker', number: null, text: 'the service worker (sw.js) · dddddddd' });
  });

  it('keeps a closed instance’s name, says it is gone, and gives its number to no one else', () => {
    const names = new InstanceNames();
    names.see([info(TAB_A, 'window', 1), info(WORKER, 'worker', 2), info(SW, 'serviceworker', 3)]);
    const before = names.version;
    names.see([]);
    expect(names.version).not.toBe(before);
    expect(names.describe(TAB_A).text).toBe('a tab that has closed (tab 1) · aaaaaaaa');
    expect(names.describe(WORKER).text).toBe('a Web Worker that has stopped (Web Worker 1) · cccccccc');
    expect(names.describe(SW).text).toBe('a service worker that has stopped · dddddddd');
    names.see([info(TAB_B, 'window', 4)]);
    expect(names.describe(TAB_B).name).toBe('tab 2');
  });

  it('reads an owner it never saw as an instance no longer running, with a short id, never the UUID', () => {
    const text = new InstanceNames().describe(TAB_A).text;
    expect(text).toBe('an instance no longer running · aaaaaaaa');
    expect(text).not.toContain(TAB_A);
  });

  it('changes its version only when a name or liveness changes', () => {
    const names = new InstanceNames();
    names.see([info(TAB_A, 'window', 1)]);
    const v = names.version;
    names.see([info(TAB_A, 'window', 1)]);
    expect(names.version).toBe(v);
  });
});

describe('shortUrl', () => {
  it('keeps a page’s path and query, a script’s file name', () => {
    expect(shortUrl('http://127.0.0.1:5173/')).toBe('/');
    expect(shortUrl('https://app.example.com/uploads/?queue=q')).toBe('/uploads/?queue=q');
    expect(shortUrl('https://app.example.com/assets/queue.worker-3f2a.js')).toBe('queue.worker-3f2a.js');
    expect(shortUrl(null)).toBeNull();
  });
});
