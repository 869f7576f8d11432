import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { EXECUTIONS_PER_JOB, QUEUE_NAME, QueueDispatcher, startQueueWorker } from '../../server/runtime/dispatch.js';
import { flushQueueRedis, QUEUE_REDIS_URL } from '../helpers/queue.js';
import { until } from '../helpers/until.js';

/** BullMQ and Redis for real; the executions are ids whose runs the test watches. */
describe('queue mode: executions created together travel in shared jobs', function () {
  this.timeout(30_000);
  let producer: Redis;
  let consumer: Redis;
  let dispatcher: QueueDispatcher;

  beforeEach(async () => {
    await flushQueueRedis();
    producer = new Redis(QUEUE_REDIS_URL, { maxRetriesPerRequest: null });
    consumer = new Redis(QUEUE_REDIS_URL, { maxRetriesPerRequest: null });
    dispatcher = new QueueDispatcher(producer);
  });
  afterEach(async () => {
    await dispatcher.close();
    producer.disconnect();
    consumer.disconnect();
  });

  const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

  it('puts executions created in one tick into jobs of EXECUTIONS_PER_JOB, and a re-dispatch into a job of its own', async () => {
    const fresh = ids(EXECUTIONS_PER_JOB * 2 + 3, 'new');
    await Promise.all(fresh.map((id) => dispatcher.enqueue(id, { id } as never)));
    await dispatcher.enqueue('again-1');
    await dispatcher.enqueue('again-1');
    const queue = new Queue(QUEUE_NAME, { connection: producer });
    const jobs = await queue.getWaiting();
    const batches = jobs.filter((job) => job.data.executionIds).map((job) => job.data.executionIds as string[]);
    expect(batches.map((b) => b.length).sort((a, b) => b - a)).to.deep.equal([EXECUTIONS_PER_JOB, EXECUTIONS_PER_JOB, 3]);
    expect(batches.flat().sort()).to.deep.equal(fresh);
    expect(jobs.filter((job) => job.data.executionId).map((job) => job.data.executionId), 'a re-dispatch of a queued job is a no-op').to.deep.equal(['again-1']);
    await queue.close();
  });

  it('a worker runs every execution of a job once, never more at once than its concurrency', async () => {
    let running = 0;
    let most = 0;
    const ran: string[] = [];
    const worker = startQueueWorker(
      consumer,
      async (id, fresh) => {
        expect(fresh).to.equal('new');
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 20));
        ran.push(id);
        running--;
      },
      3,
    );
    try {
      const fresh = ids(45, 'run');
      await Promise.all(fresh.map((id) => dispatcher.enqueue(id, { id } as never)));
      await until(() => ran.length === fresh.length, 10_000, 'every execution ran');
      expect([...ran].sort()).to.deep.equal(fresh);
      expect(most).to.equal(3);
    } finally {
      await worker.close();
    }
  });

  it('a run that fails does not keep the others of its job from running', async () => {
    const ran: string[] = [];
    const worker = startQueueWorker(
      consumer,
      async (id) => {
        if (id === 'mixed-001') throw new Error('database gone for a moment');
        ran.push(id);
      },
      4,
    );
    try {
      await Promise.all(ids(5, 'mixed').map((id) => dispatcher.enqueue(id, { id } as never)));
      await until(() => ran.length === 4, 10_000, 'the other four ran');
      expect(ran.sort()).to.deep.equal(['mixed-000', 'mixed-002', 'mixed-003', 'mixed-004']);
    } finally {
      await worker.close();
    }
  });
});
