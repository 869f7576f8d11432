import { expect } from 'chai';
import { FairQueue } from '../../server/runtime/sandbox/fair-queue.js';

describe('FairQueue (evaluation work per sub-account)', () => {
  it('serves sub-accounts in turn, so one that floods the queue waits behind its own work', () => {
    const queue = new FairQueue<string>();
    for (let i = 1; i <= 4; i++) queue.push('flood', `flood-${i}`);
    queue.push('quiet', 'quiet-1');
    queue.push('other', 'other-1');
    queue.push('quiet', 'quiet-2');
    const order: string[] = [];
    while (queue.size) order.push(queue.shift()!);
    expect(order).to.deep.equal(['flood-1', 'quiet-1', 'other-1', 'flood-2', 'quiet-2', 'flood-3', 'flood-4']);
    expect(queue.shift()).to.equal(undefined);
  });

  it('drops a removed item and drains what is left', () => {
    const queue = new FairQueue<string>();
    queue.push('a', 'a1');
    queue.push('a', 'a2');
    queue.push('b', 'b1');
    expect(queue.remove('a', 'a1')).to.equal(true);
    expect(queue.remove('a', 'missing')).to.equal(false);
    expect(queue.size).to.equal(2);
    expect(queue.drain()).to.have.members(['a2', 'b1']);
    expect(queue.size).to.equal(0);
  });
});
