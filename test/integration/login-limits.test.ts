import { expect } from 'chai';
import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { QueryTypes } from 'sequelize';
import { DatabaseAttemptCounter } from '../../server/auth/attempt-counters.js';
import { databaseKinds } from '../helpers/databases.js';
import { startServer, type Reply, type TestServer } from '../helpers/server.js';
import { uniqueEmail, type Client } from '../helpers/story.js';

const PASSWORD = 'correct horse battery';

/** A client address of its own per story (trusted from X-Forwarded-For on loopback), so stories do not share its budget. */
const newAddress = () => `198.51.${randomInt(0, 255)}.${randomInt(1, 255)}`;

function login(server: Client, email: string, password: string, address: string): Promise<Reply> {
  return server.request('POST', '/api/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': address } });
}

async function register(server: Client, email: string): Promise<string> {
  const res = await server.request('POST', '/api/auth/register', { body: { email, password: PASSWORD, agencyName: 'Victim Agency' } });
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${res.text}`);
  return res.body.user.id;
}

function expectRefused(res: Reply, what: string): void {
  expect(res.status, what).to.equal(429);
  expect(res.body.error.code, what).to.equal('too_many_attempts');
  expect(res.body, what).to.not.have.property('token');
  expect(Number(res.headers.get('retry-after')), what).to.be.within(1, 15 * 60);
}

const statuses = (replies: Reply[]) => replies.map((r) => r.status);
const count = (replies: Reply[], status: number) => replies.filter((r) => r.status === status).length;

/** Stories every limiter store must pass; `other` is a second process of the same installation. */
function limiterStories(servers: () => { one: TestServer; other: TestServer }) {
  it('gives 40 parallel wrong guesses for one email exactly 10 password checks; the rest get 429', async () => {
    const { one, other } = servers();
    const email = uniqueEmail('raced');
    await register(one, email);
    const address = newAddress();
    const replies = await Promise.all(Array.from({ length: 40 }, (_, i) => login(i % 2 ? other : one, email, `wrong ${i}`, address)));
    expect(count(replies, 401), JSON.stringify(statuses(replies))).to.equal(10);
    expect(count(replies, 429)).to.equal(30);
    for (const res of replies.filter((r) => r.status === 429)) expectRefused(res, 'a refused guess');
    expectRefused(await login(one, email, PASSWORD, address), 'the right password after the limit');
  });

  it('gives back the attempt of a right password, so only wrong guesses count', async () => {
    const { one, other } = servers();
    const email = uniqueEmail('typo');
    await register(one, email);
    const address = newAddress();
    for (let i = 0; i < 9; i++) expect((await login(i % 2 ? other : one, email, `typo ${i}`, address)).status).to.equal(401);
    expect((await login(other, email, PASSWORD, address)).status).to.equal(200);
    expect((await login(one, email, 'one more typo', address)).status, 'the 10th wrong guess is still checked').to.equal(401);
    expectRefused(await login(other, email, 'an 11th guess', address), 'the 11th wrong guess');
  });
}

for (const kind of databaseKinds) {
  describe(`login limits (${kind.name})`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let sibling: TestServer;

    before(async () => {
      server = await startServer(kind);
      // A second process on the same storage: the counts must be the same there.
      sibling = await startServer(kind, {}, server);
    });
    after(async () => {
      await sibling?.close();
      await server?.close();
    });

    it('counts every spelling of an address against its one limit: padded, NBSP, full-width and invisible variants get 429 too', async () => {
      await register(server, 'victim@example.com');
      const address = newAddress();
      for (let i = 0; i < 10; i++) expect((await login(server, 'victim@example.com', `guess ${i}`, address)).status).to.equal(401);
      const variants = [
        ' victim@example.com',
        'victim@example.com\u00a0',
        'VICTIM@Example.com',
        '\u2003victim@example.com\t',
        '\u200bvictim@example.com',
        'ｖｉｃｔｉｍ@example.com',
      ];
      // From other addresses too: only the email's own limit can stop these.
      for (const variant of variants) expectRefused(await login(server, variant, PASSWORD, newAddress()), JSON.stringify(variant));
    });

    it('signs every spelling in to the same account, and spends one budget across them', async () => {
      const email = uniqueEmail('spelled');
      const userId = await register(server, email);
      const address = newAddress();
      const spellings = [` ${email}`, `${email}\u00a0`, email.toUpperCase(), `\ufeff${email}\u3000`];
      for (const spelling of spellings) {
        const res = await login(server, spelling, PASSWORD, address);
        expect(res.status, JSON.stringify(spelling)).to.equal(200);
        expect(res.body.user.id).to.equal(userId);
      }
      for (let i = 0; i < 10; i++) expect((await login(server, spellings[i % spellings.length], `guess ${i}`, address)).status).to.equal(401);
      expectRefused(await login(server, email, PASSWORD, address), 'the plain spelling after guesses under the others');
    });

    it('limits one client address to 100 wrong guesses across emails; other addresses still sign in', async () => {
      const email = uniqueEmail('bystander');
      await register(server, email);
      const address = newAddress();
      for (let batch = 0; batch < 5; batch++) {
        const replies = await Promise.all(Array.from({ length: 20 }, () => login(server, uniqueEmail('sprayed'), 'password1', address)));
        expect(statuses(replies).every((s) => s === 401), JSON.stringify(statuses(replies))).to.equal(true);
      }
      expectRefused(await login(sibling, email, PASSWORD, address), 'the 101st attempt from that address, on the other process');
      expect((await login(server, email, PASSWORD, newAddress())).status).to.equal(200);
    });

    it('keeps counting where every process sees it: 5 guesses here and 5 there use up the limit', async () => {
      const email = uniqueEmail('shared');
      await register(server, email);
      const address = newAddress();
      for (let i = 0; i < 5; i++) {
        expect((await login(server, email, `here ${i}`, address)).status).to.equal(401);
        expect((await login(sibling, email, `there ${i}`, address)).status).to.equal(401);
      }
      expectRefused(await login(server, email, PASSWORD, address), 'on the first process');
      expectRefused(await login(sibling, email, PASSWORD, address), 'on the second process');
    });

    it('starts a fresh window once the old one closes, and a late refund does not carry over', async () => {
      const counter = new DatabaseAttemptCounter(server.app.sequelize, 400);
      const key = `window-${randomInt(1e9)}`;
      expect((await counter.hit(key)).count).to.equal(1);
      const second = await counter.hit(key);
      expect(second.count).to.equal(2);
      expect(second.msLeft).to.be.within(1, 400);
      await new Promise((r) => setTimeout(r, 450));
      await counter.refund(key);
      expect((await counter.hit(key)).count, 'a new window').to.equal(1);
      await counter.refund(key);
      await counter.refund(key);
      expect((await counter.hit(key)).count, 'refunds stop at zero').to.equal(1);
    });

    limiterStories(() => ({ one: server, other: sibling }));
  });
}

/** Queue mode keeps the counts in Redis (a database of the test Redis of its own). */
const LIMITS_REDIS_URL = (() => {
  const url = new URL(process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379');
  url.pathname = '/9';
  return url.toString();
})();

describe('login limits in queue mode, counted in Redis', function () {
  this.timeout(60_000);
  let one: TestServer;
  let other: TestServer;

  before(async () => {
    const redis = new Redis(LIMITS_REDIS_URL, { maxRetriesPerRequest: 1 });
    await redis.flushdb();
    redis.disconnect();
    const env = { EXECUTION_MODE: 'queue', REDIS_URL: LIMITS_REDIS_URL };
    one = await startServer(databaseKinds[0], env);
    other = await startServer(databaseKinds[0], env, one);
  });
  after(async () => {
    await other?.close();
    await one?.close();
  });

  it('keeps no count in the database', async () => {
    const email = uniqueEmail('redis');
    await register(one, email);
    await login(one, email, 'wrong', newAddress());
    const rows = await one.app.sequelize.query('SELECT * FROM "login_attempts"', { type: QueryTypes.SELECT });
    expect(rows).to.deep.equal([]);
  });

  limiterStories(() => ({ one, other }));
});
