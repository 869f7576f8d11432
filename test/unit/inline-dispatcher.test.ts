import { expect } from 'chai';
import pino from 'pino';
import type { ExecutionData } from '../../server/db/models/runtime.js';
import { InlineDispatcher, type InlineLimits, type QueuedSource } from '../../server/runtime/dispatch.js';
import type { QueuedExecution } from '../../server/runtime/store.js';

const execution = (id: string): ExecutionData => ({ id, flowId: 'f', subaccountId: 's', flowVersion: 1, trigger: { type: 'webhook', nodeId: 'hook' }, input: {}, startedAt: null });

/** The executions table as the dispatcher sees it: queued rows nobody holds, taken oldest first. */
class FakeDatabase implements QueuedSource {
  readonly queued: string[] = [];
  pulls: number[] = [];
  taken = 0;

  async reserveQueued(limit: number): Promise<QueuedExecution[]> {
    await new Promise((r) => setTimeout(r, 1));
    const rows = this.queued.splice(0, limit);
    this.pulls.push(rows.length);
    this.taken += rows.length;
    return rows.map((id) => ({ execution: execution(id), bytes: 10, hasSteps: false }));
  }

  async countQueued(): Promise<number> {
    return this.queued.length;
  }
}

/** Runs that end when told to (or at once), recording the order they started in and how many ran at once. */
class Runs {
  readonly started: string[] = [];
  private readonly pending: (() => void)[] = [];
  running = 0;
  mostAtOnce = 0;
  hold = true;

  readonly run = (id: string): Promise<void> => {
    this.started.push(id);
    this.running++;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.running);
    return new Promise<void>((resolve) => {
      const end = () => {
        this.running--;
        resolve();
      };
      if (this.hold) this.pending.push(end);
      else setImmediate(end);
    });
  };

  release(): void {
    this.hold = false;
    for (const end of this.pending.splice(0)) end();
  }
}

const logger = pino({ level: 'silent' });
const until = async (condition: () => boolean, what: string) => {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen`);
    await new Promise((r) => setTimeout(r, 2));
  }
};

function dispatcher(limits: Partial<InlineLimits> = {}) {
  const db = new FakeDatabase();
  const runs = new Runs();
  const d = new InlineDispatcher(runs.run, { concurrency: 2, backlog: 5, bytes: 1_000_000, ...limits }, db, logger, 30_000);
  return { d, db, runs };
}

describe('inline dispatcher: bounded memory, database backlog pulled at once', () => {
  it('reserves in memory at most INLINE_BACKLOG executions and the byte budget; the rest are left to the database', async () => {
    const { d } = dispatcher({ backlog: 5, bytes: 1000 });
    expect(['a', 'b', 'c'].map((id) => d.reserve(id, 300))).to.deep.equal([true, true, true]);
    expect(d.reserve('d', 300), 'past the byte budget').to.equal(false);
    expect(d.reserve('e', 50)).to.equal(true);
    expect(d.reserve('f', 1)).to.equal(true);
    expect(d.reserve('g', 1), 'past the count').to.equal(false);
    expect(d.backlog(), 'reservations being stored count as accepted').to.equal(5);
    await d.close();

    const lone = dispatcher({ bytes: 1000 }).d;
    expect(lone.reserve('huge', 5000), 'the only one in memory is never refused for its size').to.equal(true);
    await lone.close();
  });

  it('pulls what waits in the database in batches, oldest first, keeping every slot busy until none is left', async () => {
    const { d, db, runs } = dispatcher({ concurrency: 2, backlog: 5 });
    runs.hold = false;
    db.queued.push(...Array.from({ length: 60 }, (_, n) => `q${String(n).padStart(3, '0')}`));
    let mostHeld = 0;
    const watch = setInterval(() => (mostHeld = Math.max(mostHeld, db.taken - runs.started.length)), 0);
    d.wake();
    await until(() => runs.started.length === 60 && runs.running === 0, 'all 60 ran');
    clearInterval(watch);
    expect(runs.started).to.deep.equal([...runs.started].sort());
    expect(runs.mostAtOnce).to.equal(2);
    expect(mostHeld).to.be.at.most(5);
    expect(Math.max(...db.pulls)).to.be.at.most(5);
    expect(d.backlog()).to.equal(0);
    await d.close();
  });

  it('queues new work behind older work waiting in the database, and counts both in the backlog', async () => {
    const { d, db, runs } = dispatcher({ concurrency: 1, backlog: 2 });
    // Two run and wait in memory; then three more are stored unreserved (no room) and wait in the database.
    for (const id of ['m1', 'm2', 'm3']) {
      expect(d.reserve(id)).to.equal(true);
      await d.enqueue(id, execution(id));
    }
    expect(runs.started).to.deep.equal(['m1']);
    for (const id of ['d1', 'd2', 'd3']) {
      expect(d.reserve(id)).to.equal(false);
      db.queued.push(id); // the request stored it unreserved
      await d.enqueue(id, execution(id));
    }
    expect(d.backlog()).to.equal(2 + 3);
    // Room appears, but older work waits in the database: a new one does not jump the queue.
    runs.release();
    expect(d.reserve('late')).to.equal(false);
    db.queued.push('late');
    await d.enqueue('late', execution('late'));
    await until(() => runs.started.length === 7 && runs.running === 0, 'all ran');
    expect(runs.started).to.deep.equal(['m1', 'm2', 'm3', 'd1', 'd2', 'd3', 'late']);
    await new Promise((r) => setTimeout(r, 20)); // the last, empty pull
    expect(d.backlog()).to.equal(0);
    expect(d.reserve('next'), 'with the database empty, new work is held in memory again').to.equal(true);
    await d.close();
  });

  it('holds a bounded number of executions in memory through a flood of 10,000', async () => {
    const { d, db, runs } = dispatcher({ concurrency: 4, backlog: 50 });
    let reserved = 0;
    let mostHeld = 0;
    // Held in memory and not yet started: those reserved at intake plus those pulled, less those started.
    const watch = setInterval(() => (mostHeld = Math.max(mostHeld, reserved + db.taken - runs.started.length)), 0);
    for (let n = 0; n < 10_000; n++) {
      const id = `x${String(n).padStart(5, '0')}`;
      if (d.reserve(id)) reserved++;
      else db.queued.push(id);
      await d.enqueue(id, execution(id));
    }
    expect(runs.started.length).to.equal(4);
    expect(reserved).to.equal(4 + 50);
    expect(db.queued.length).to.equal(10_000 - 54);
    runs.release();
    await until(() => runs.started.length === 10_000 && runs.running === 0, 'the flood drained');
    clearInterval(watch);
    expect(mostHeld).to.be.at.most(50);
    expect(runs.started).to.deep.equal([...runs.started].sort());
    await d.close();
  });
});
