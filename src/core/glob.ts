// Bull's `removeJobs(pattern)` takes a Redis glob over job ids: `*` any run of characters, `?` one
// character, `[abc]` / `[^abc]` / `[a-z]` one of a set, `\x` the character x itself.

export interface IdPattern {
  /** Whether an id matches the whole pattern. */
  test(id: string): boolean;
  /** The characters every matching id starts with (before the first wildcard): a key range to read. */
  prefix: string;
}

export function idPattern(glob: string): IdPattern {
  let source = '^';
  let prefix = '';
  let literal = true;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' || c === '?') {
      source += c === '*' ? '[\\s\\S]*' : '[\\s\\S]';
      literal = false;
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        source += '\\[';
        if (literal) prefix += '[';
        continue;
      }
      let set = glob.slice(i + 1, close);
      const negated = set.startsWith('^');
      if (negated) set = set.slice(1);
      source += `[${negated ? '^' : ''}${set.replace(/[\\\]]/g, '\\$&')}]`;
      literal = false;
      i = close;
    } else {
      const ch = c === '\\' && i + 1 < glob.length ? glob[++i]! : c;
      source += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      if (literal) prefix += ch;
    }
  }
  const regexp = new RegExp(`${source}$`);
  return { test: (id) => regexp.test(id), prefix };
}
