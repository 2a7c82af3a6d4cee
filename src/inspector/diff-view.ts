// Time travel's "what changed at this step": the list of changes from the step before, and the
// snapshot with the changed fields marked, so the eye goes to what the event did.
import { h } from './dom.js';
import { formatValue } from './format.js';
import { formatPath, type SnapshotChange } from './snapshot-diff.js';

const KIND_WORDS: Record<SnapshotChange['kind'], string> = { added: 'added', removed: 'removed', changed: 'changed' };

/** The changes, one line each: `attemptsMade 0 → 1`. `first`: the step that created the job. */
export function renderChanges(changes: readonly SnapshotChange[], first: boolean): HTMLElement[] {
  if (first) return [h('li', { class: 'none' }, 'The job was created by this event.')];
  if (changes.length === 0) return [h('li', { class: 'none' }, 'Nothing in toJSON() changed (the event is in the history only).')];
  return changes.map((c) =>
    h('li', { class: `diff-${c.kind}`, 'data-path': formatPath(c.path) },
      h('code', { class: 'path' }, formatPath(c.path)), ' ',
      h('span', { class: 'visually-hidden' }, `${KIND_WORDS[c.kind]}: `),
      c.kind !== 'added' ? h('del', {}, value(c.before)) : null,
      c.kind === 'changed' ? ' → ' : null,
      c.kind !== 'removed' ? h('ins', {}, value(c.after)) : null));
}

/**
 * A value on one line; text of several lines (a stack trace, or the list of them) as its lines,
 * the way the timeline shows a stack, not as one string with `\n` in it.
 */
function value(v: unknown): HTMLElement | string {
  const multiline = (x: unknown) => typeof x === 'string' && x.includes('\n');
  if (multiline(v)) return h('span', { class: 'lines' }, v as string);
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string') && v.some(multiline)) {
    return h('span', { class: 'lines' }, ...v.map((x: string) => h('span', { class: 'item' }, x)));
  }
  return formatValue(v, { indent: 0 });
}

/**
 * The snapshot as formatted JSON, one block per top-level field, the fields a change touched marked
 * (`class="changed"`, and `data-key` to find them).
 */
export function renderSnapshot(json: Record<string, unknown>, changes: readonly SnapshotChange[]): (HTMLElement | string)[] {
  const touched = new Set(changes.map((c) => String(c.path[0])));
  const keys = Object.keys(json);
  const parts: (HTMLElement | string)[] = ['{\n'];
  keys.forEach((key, i) => {
    // Each field as formatValue writes it inside the object: indented, a comma after all but the last.
    const text = `  ${JSON.stringify(key)}: ${formatValue(json[key]).replace(/\n/g, '\n  ')}${i < keys.length - 1 ? ',' : ''}\n`;
    parts.push(h('span', { class: touched.has(key) ? 'field changed' : 'field', 'data-key': key }, text));
  });
  parts.push('}');
  return parts;
}
