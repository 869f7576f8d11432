import { expect } from 'chai';
import { KeyBatch } from '../../server/db/key-batch.js';

describe('KeyBatch: single-key calls of one tick in one bulk call', () => {
  it('makes one bulk call for the keys asked in the same tick and gives each caller its value', async () => {
    const calls: string[][] = [];
    const batch = new KeyBatch<string>(async (keys) => {
      calls.push(keys);
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.toUpperCase()]));
    });
    const values = await Promise.all([batch.get('a'), batch.get('b'), batch.get('missing')]);
    expect(values).to.deep.equal(['A', 'B', undefined]);
    expect(calls).to.deep.equal([['a', 'b', 'missing']]);
    expect(await batch.get('c')).to.equal('C');
    expect(calls, 'a later tick is a new bulk call').to.have.length(2);
  });

  it('gives a key won once to its first caller only (a claim is taken once)', async () => {
    const batch = new KeyBatch<number>(async (keys) => new Map(keys.map((k) => [k, 1])));
    expect(await Promise.all([batch.get('x'), batch.get('x'), batch.get('x')])).to.deep.equal([1, undefined, undefined]);
  });

  it('splits a large tick into bulk calls of at most maxKeys, and fails only the callers of a failed call', async () => {
    const sizes: number[] = [];
    const batch = new KeyBatch<string>(async (keys) => {
      sizes.push(keys.length);
      if (keys.includes('k5')) throw new Error('bulk failed');
      return new Map(keys.map((k) => [k, k]));
    }, 4);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => batch.get(`k${i}`)));
    expect(sizes).to.deep.equal([4, 4, 2]);
    expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled']);
  });
});
