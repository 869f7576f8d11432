import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { GhlClient } from '../../nodes/ghl/lib/client.js';
import { ghlRateLimiter, GhlRateLimiter } from '../../nodes/ghl/lib/rate-limit.js';
import { privateTokenSource } from '../../nodes/ghl/lib/token-source.js';
import { sharedRedis } from '../../nodes/lib/shared-redis.js';
import { databaseKinds } from '../helpers/databases.js';
import { startServer } from '../helpers/server.js';
import { FakeGhl } from '../fakes/ghl/server.js';

/** A Redis database no other suite flushes; keys are per run (unique location ids). */
const REDIS_URL = (() => {
  const url = new URL(process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379');
  url.pathname = '/5';
  return url.toString();
})();

const TOKEN = 'pit-rate-limit-0001';

describe('GoHighLevel rate limit: one budget per location', function () {
  this.timeout(60_000);
  let fake: FakeGhl;
  let location: string;
  const connections: Redis[] = [];

  beforeEach(async () => {
    location = `locRate${randomBytes(4).toString('hex')}`;
    fake = await FakeGhl.start({ locationId: location, token: TOKEN });
    // A small budget, announced in the headers as GoHighLevel does: 4 calls per second.
    fake.limits = { max: 4, intervalMs: 1000, daily: 200_000 };
  });
  afterEach(async () => {
    await fake.close();
    for (const c of connections.splice(0)) c.disconnect();
  });

  const client = (limiter: GhlRateLimiter) =>
    new GhlClient({ tokens: privateTokenSource({ token: TOKEN }), locationId: location, baseUrl: fake.url, signal: AbortSignal.timeout(30_000), allowPrivateNetwork: true, limiter });
  const read = (c: GhlClient) => c.request({ method: 'GET', path: `/locations/${location}` });
  const redis = () => {
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    connections.push(connection);
    return connection;
  };

  it('holds one process to the budget the headers announce: no 429 from a burst', async () => {
    const one = client(new GhlRateLimiter());
    await read(one);
    const answers = await Promise.allSettled(Array.from({ length: 12 }, () => read(one)));
    expect(answers.filter((a) => a.status === 'rejected')).to.deep.equal([]);
    expect(fake.requests).to.have.length(13);
  });

  it('shares the budget between workers through Redis, where separate memories overrun it', async () => {
    const [a, b] = [client(new GhlRateLimiter(redis())), client(new GhlRateLimiter(redis()))];
    await Promise.all([read(a), read(b)]);
    const answers = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => read(i % 2 ? a : b)));
    expect(answers.filter((r) => r.status === 'rejected')).to.deep.equal([]);

    // The same burst from two processes that each count on their own: GoHighLevel answers 429.
    const [c, d] = [client(new GhlRateLimiter()), client(new GhlRateLimiter())];
    await new Promise((r) => setTimeout(r, 1100));
    await Promise.all([read(c), read(d)]);
    const unshared = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => read(i % 2 ? c : d)));
    const refused = unshared.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.length).to.be.greaterThan(0);
    expect(refused[0]!.reason.message).to.match(/rate limit was reached/);
  });

  it('pauses the location after a 429 for as long as Retry-After says, in every worker', async () => {
    const [a, b] = [new GhlRateLimiter(redis()), new GhlRateLimiter(redis())];
    fake.failNext(`/locations/${location}`, 429, 1, { headers: { 'retry-after': '2' } });
    const refused = await read(client(a)).catch((err: Error & { retryAfterMs?: number }) => err);
    expect(refused).to.include({ name: 'RetryableError', retryAfterMs: 2000 });
    const started = Date.now();
    await read(client(b));
    expect(Date.now() - started).to.be.greaterThan(900, 'the other worker waited for the pause');
  });
});

for (const kind of databaseKinds.slice(0, 1)) {
  describe(`GoHighLevel rate limit in queue mode (${kind.name})`, function () {
    this.timeout(60_000);

    it('keeps its counts in Redis while a queue-mode runtime runs, in memory once it stops', async () => {
      const server = await startServer(kind, { EXECUTION_MODE: 'queue', REDIS_URL });
      try {
        expect(sharedRedis()).to.not.equal(undefined);
        expect(ghlRateLimiter().redis).to.equal(sharedRedis());
      } finally {
        await server.close();
      }
      expect(ghlRateLimiter().redis).to.equal(undefined);
    });
  });
}
