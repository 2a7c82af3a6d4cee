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
  const value = (v: unknown) => formatValue(v, { indent: 0 });
  return changes.map((c) =>
    h('li', { class: `diff-${c.kind}`, 'data-path': formatPath(c.path) },
      h('code', { class: 'path' }, formatPath(c.path)), ' ',
      h('span', { class: 'visually-hidden' }, `${KIND_WORDS[c.kind]}: `),
      c.kind !== 'added' ? h('del', {}, value(c.before)) : null,
      c.kind === 'changed' ? ' → ' : null,
      c.kind !== 'removed' ? h('ins', {}, value(c.after)) : null));
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
