// Bull code pasted into a jobtrail processor: the two habits that would otherwise fail with a bare
// "is not a function". `job.progress(n)` (jobtrail's `progress` is the value, as in BullMQ) and
// Bull's `done` callback (jobtrail passes an AbortSignal there). Found once, explained once, for
// in-thread and worker processors alike.

/** Names people give Bull's callback. A processor whose second parameter has one of them is refused. */
const DONE_NAMES = new Set(['done', 'cb', 'callback', 'next']);

/**
 * The name of a function's second parameter as written in its source, or null (one parameter, a
 * destructuring pattern, native or bound code). Best effort: only used to explain mistakes.
 */
export function secondParameterName(fn: (...args: never[]) => unknown): string | null {
  if (fn.length < 2) return null;
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return null;
  }
  const open = source.indexOf('(');
  if (open < 0) return null;
  let depth = 0;
  let start = open + 1;
  const params: string[] = [];
  for (let i = open; i < source.length; i++) {
    const c = source[i]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) {
        params.push(source.slice(start, i));
        break;
      }
    } else if (c === ',' && depth === 1) {
      params.push(source.slice(start, i));
      start = i + 1;
    }
  }
  const second = params[1]?.split('=')[0]?.trim();
  return second && /^[A-Za-z_$][\w$]*$/.test(second) ? second : null;
}

/** Why a processor is refused when it is registered, or null when it looks fine. */
export function bullProcessorProblem(fn: (...args: never[]) => unknown, caller: string): string | null {
  const name = secondParameterName(fn);
  if (name === null || !DONE_NAMES.has(name)) return null;
  return (
    `${caller}: the handler's second parameter is named ${name}, like Bull's done callback, but jobtrail ` +
    `passes an AbortSignal there. Return the result (or a promise of it) instead of calling ${name}(null, result), ` +
    `and throw instead of calling ${name}(err)`
  );
}

/**
 * The error a processor threw, with an explanation added when it is one of Bull's habits: calling
 * `job.progress(n)`, or calling its second parameter (`secondParam`) as Bull's done callback.
 * Anything else comes back as it is.
 */
export function explainBullHabit<E>(err: E, secondParam: string | null = null): E {
  if (!(err instanceof TypeError)) return err;
  const message = err.message;
  let hint: string | null = null;
  if (/(^|\.)progress is not a function/.test(message)) {
    hint = 'job.progress is the job\'s progress value here (as in BullMQ), not a function: report progress with await job.updateProgress(value)';
  } else if (secondParam !== null && message.startsWith(`${secondParam} is not a function`)) {
    hint = `the processor's second argument is an AbortSignal, not Bull's done callback: return the result (or a promise of it), or throw`;
  }
  if (hint === null) return err;
  const explained = new TypeError(`${message}: ${hint}`, { cause: err });
  if (err.stack) explained.stack = err.stack.replace(message, explained.message);
  return explained as E;
}
