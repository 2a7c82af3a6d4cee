// `--profile`: where a case's main-thread time goes, from the CPU profiles of its tabs. Self time by
// function (the time a sample found that function on top of the stack), summed over the case's
// tabs; idle time left out, so shares are of the time the thread was busy. Bundled code is mapped
// back to its source file (the profiling build has source maps), and self time is also summed by
// area: a folder of src/, a package, the bench page, or the browser's own (native) code.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import type { CpuProfile } from './browser.js';

export interface ProfileEntry {
  /** Function name, and where it is (`file:line`, or `native` for the browser's own functions). */
  name: string;
  where: string;
  selfMs: number;
  /** Of the busy time. */
  share: number;
}

export interface AreaEntry {
  area: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  id: string;
  title: string;
  /** Tabs profiled (their main threads; workers and the service worker are not in these profiles). */
  tabs: number;
  wallMs: number;
  busyMs: number;
  top: ProfileEntry[];
  areas: AreaEntry[];
}

/** Where a bundled position came from: the source file (relative to the repository) and line. */
export type Resolve = (url: string, line: number, column: number) => { source: string; line: number } | null;

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

/** A `Resolve` reading the source maps next to the built files: `fileFor(url)` is the built file's path. */
export function sourceMapResolver(fileFor: (url: string) => string | null): Resolve {
  const maps = new Map<string, TraceMap | null>();
  return (url, line, column) => {
    if (!maps.has(url)) {
      const file = fileFor(url);
      let map: TraceMap | null = null;
      try {
        if (file) map = new TraceMap(readFileSync(`${file}.map`, 'utf8'));
      } catch {
        // no map: report the bundle position
      }
      maps.set(url, map);
    }
    const map = maps.get(url);
    if (!map) return null;
    const pos = originalPositionFor(map, { line: line + 1, column });
    if (!pos.source) return null;
    const file = fileFor(url)!;
    const source = relative(REPOSITORY, resolvePath(dirname(file), pos.source)).replace(/^.*?node_modules\//, 'node_modules/');
    return { source, line: pos.line ?? 0 };
  };
}

/** `src/store`, `node_modules/xstate`, `bench/page`, ...: what a source file belongs to. */
function areaOf(source: string): string {
  const parts = source.split('/');
  if (parts[0] === 'node_modules') return parts.slice(0, parts[1]?.startsWith('@') ? 3 : 2).join('/');
  return parts.length > 2 ? parts.slice(0, 2).join('/') : parts.slice(0, -1).join('/') || source;
}

const IDLE = '(idle)';

export function summarizeProfiles(id: string, title: string, profiles: CpuProfile[], resolve: Resolve = () => null, topN = 12): ProfileSummary {
  const self = new Map<string, { name: string; where: string; us: number }>();
  const areas = new Map<string, number>();
  let wallUs = 0;
  let busyUs = 0;
  for (const profile of profiles) {
    wallUs += profile.endTime - profile.startTime;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((nodeId, k) => {
      // A sample's delta is the time since the previous sample: it belongs to this one.
      const us = profile.timeDeltas[k] ?? 0;
      const frame = nodes.get(nodeId)?.callFrame;
      if (!frame || frame.functionName === IDLE) return;
      busyUs += us;
      const name = frame.functionName || '(anonymous)';
      const original = frame.url ? resolve(frame.url, frame.lineNumber, frame.columnNumber) : null;
      const where = original ? `${original.source}:${original.line}` : frame.url ? `${frame.url.replace(/^.*\//, '')}:${frame.lineNumber + 1}` : 'native';
      const area = original ? areaOf(original.source) : frame.url ? 'bundle (unmapped)' : 'native';
      areas.set(area, (areas.get(area) ?? 0) + us);
      const key = `${name} ${where}`;
      const entry = self.get(key) ?? { name, where, us: 0 };
      entry.us += us;
      self.set(key, entry);
    });
  }
  const top = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, topN)
    .map(({ name, where, us }) => ({ name, where, selfMs: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }));
  const byArea = [...areas.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([area, us]) => ({ area, selfMs: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }));
  return { id, title, tabs: profiles.length, wallMs: wallUs / 1000, busyMs: busyUs / 1000, top, areas: byArea };
}

/** For the terminal: one block per case. */
export function renderProfileText(summaries: ProfileSummary[]): string {
  const lines: string[] = [];
  for (const s of summaries) {
    lines.push(`${s.id} ${s.title}: main thread busy ${Math.round(s.busyMs)} ms of ${Math.round(s.wallMs)} ms (${s.tabs} tab(s))`);
    lines.push(`  by area: ${s.areas.slice(0, 8).map((a) => `${a.area} ${(a.share * 100).toFixed(0)}%`).join(', ')}`);
    lines.push('  self time by function:');
    for (const e of s.top) lines.push(`  ${(e.share * 100).toFixed(1).padStart(5)}%  ${Math.round(e.selfMs).toString().padStart(6)} ms  ${e.name}  (${e.where})`);
  }
  return lines.join('\n');
}
