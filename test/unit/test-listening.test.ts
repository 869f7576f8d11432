import { expect } from 'chai';
import { EventBus } from '../../server/runtime/events.js';
import { TestListening, type ListenTarget } from '../../server/runtime/listening.js';

const webhook: ListenTarget = { flowId: 'f1', subaccountId: 's1', nodeId: 'hook', kind: 'webhook', token: 'tok' };

describe('listening for a test event (server/runtime/listening.ts)', () => {
  let listening: TestListening;
  beforeEach(() => {
    listening = new TestListening(new EventBus());
  });
  afterEach(() => listening.close());

  it('the first request offered starts the one test execution; a second one at the same moment is refused', async () => {
    const started: unknown[] = [];
    const heard = listening.listen(webhook, async (sample) => (started.push(sample), `exec-${started.length}`), 5_000, new AbortController().signal);
    const listenId = listening.forToken('tok')!;
    expect(listenId).to.be.a('string');
    expect(listening.forNode('f1', 'hook')).to.equal(listenId);
    const [first, second] = await Promise.all([listening.offer(listenId, { n: 1 }), listening.offer(listenId, { n: 2 })]);
    expect([first, second]).to.deep.equal([{ executionId: 'exec-1' }, { refused: 'nobody' }]);
    expect(started).to.deep.equal([{ n: 1 }]);
    expect(await heard).to.deep.equal({ sample: { n: 1 }, executionId: 'exec-1' });
    expect(listening.forToken('tok')).to.equal(undefined, 'the URL closes once the listen ends');
  });

  it('an active flow’s production execution is reported as it is, starting nothing', async () => {
    let starts = 0;
    const heard = listening.listen({ ...webhook, kind: 'ghl', token: null }, async () => String(++starts), 5_000, new AbortController().signal);
    const [{ listenId }] = listening.ghlTargets();
    listening.observed(listenId, { type: 'ContactCreate' }, 'production-1');
    expect(await heard).to.deep.equal({ sample: { type: 'ContactCreate' }, executionId: 'production-1' });
    expect(starts).to.equal(0);
  });

  it('ends with null at the timeout or when the caller goes away, and forgets the listen', async () => {
    expect(await listening.listen(webhook, async () => 'x', 50, new AbortController().signal)).to.equal(null);
    expect(listening.forToken('tok')).to.equal(undefined);
    const gone = new AbortController();
    const heard = listening.listen(webhook, async () => 'x', 5_000, gone.signal);
    expect(listening.listening).to.equal(true);
    gone.abort();
    expect(await heard).to.equal(null);
    expect(listening.listening).to.equal(false);
  });

  it('a start that fails (a full backlog) is refused as busy and leaves the listen open for the next request', async () => {
    let calls = 0;
    const heard = listening.listen(
      webhook,
      async () => {
        if (++calls === 1) throw new Error('backlog full');
        return 'exec-2';
      },
      5_000,
      new AbortController().signal,
    );
    const listenId = listening.forToken('tok')!;
    expect(await listening.offer(listenId, 1)).to.deep.equal({ refused: 'busy' });
    expect(await listening.offer(listenId, 2)).to.deep.equal({ executionId: 'exec-2' });
    expect(await heard).to.deep.equal({ sample: 2, executionId: 'exec-2' });
  });
});
