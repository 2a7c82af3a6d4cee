// surelyEqual decides which projections rebuild() may leave unwritten, so it may say "different"
// of equal values (a needless write) but never "equal" of different ones (a projection left wrong).
// Over random values of every kind a structured clone holds: a value equals its own clone when it
// is plain data, and whatever it calls equal, vitest's strict deep equality calls equal too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { surelyEqual } from '../../../src/core/surely-equal.js';

const anything = fc.anything({
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withObjectString: true,
  withBoxedValues: true,
});

/** What JSON holds, plus the extras surelyEqual compares in depth. */
const plain = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, undefined, true, false, 0, -0, NaN, Infinity),
    fc.double(),
    fc.bigInt(),
    fc.string(),
    fc.date({ noInvalidDate: false }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('surelyEqual', () => {
  it('calls plain data equal to its structured clone', () => {
    fc.assert(fc.property(plain, (value) => surelyEqual(value, structuredClone(value)) && surelyEqual(structuredClone(value), value)));
  });

  it('never calls equal what strict deep equality calls different', () => {
    fc.assert(
      fc.property(anything, anything, (a, b) => {
        if (surelyEqual(a, b)) expect(a).toStrictEqual(b);
      }),
    );
    // Pairs that differ a little are the ones that matter: a value against a changed clone of it.
    fc.assert(
      fc.property(plain, fc.string(), plain, (value, key, extra) => {
        const changed = { wrapped: structuredClone(value), [key]: extra };
        if (surelyEqual({ wrapped: value }, changed)) expect({ wrapped: value }).toStrictEqual(changed);
      }),
    );
  });

  it('is unsure of what it cannot see into, and tells apart what a clone tells apart', () => {
    const blobish = new Map([['a', 1]]);
    expect(surelyEqual(blobish, structuredClone(blobish))).toBe(false);
    expect(surelyEqual(new Uint8Array([1]), new Uint8Array([1]))).toBe(false);
    expect(surelyEqual({ a: undefined }, {})).toBe(false);
    expect(surelyEqual([undefined], [,])).toBe(false);
    expect(surelyEqual(0, -0)).toBe(false);
    expect(surelyEqual(NaN, NaN)).toBe(true);
    expect(surelyEqual(new Date(5), new Date(5))).toBe(true);
    expect(surelyEqual(new Date(5), { getTime: () => 5 })).toBe(false);
    expect(surelyEqual([1, 2], { 0: 1, 1: 2, length: 2 })).toBe(false);
    const tagged = Object.assign([1], { extra: true });
    expect(surelyEqual(tagged, structuredClone(tagged))).toBe(false);
  });
});
