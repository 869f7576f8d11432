import { expect } from 'chai';
import { GhlClient } from '../../nodes/ghl/lib/client.js';
import { GhlRateLimiter } from '../../nodes/ghl/lib/rate-limit.js';
import { privateTokenSource } from '../../nodes/ghl/lib/token-source.js';
import { startTarget, type Target } from '../helpers/target.js';

/**
 * A server in GoHighLevel's place that misbehaves: the client reads its answers through the one capped
 * body reader, so an endless or huge answer costs at most 5 MiB and fails clearly.
 */
describe('GoHighLevel client: answers past 5 MiB', function () {
  this.timeout(30_000);
  let target: Target;

  before(async () => {
    target = await startTarget();
  });
  after(() => target.close());

  const client = () =>
    new GhlClient({ tokens: privateTokenSource({ token: 'pit-cap-0001' }), locationId: 'locCap01', baseUrl: target.url, signal: AbortSignal.timeout(20_000), allowPrivateNetwork: true, limiter: new GhlRateLimiter() });

  it('stops reading a streamed answer without Content-Length once it passes the cap', async () => {
    let written = 0;
    target.route('/contacts/endless', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(256 * 1024, ' ');
      // Writes until the client hangs up; 64 MiB at most, so a broken client cannot hang the test.
      const pump = () => {
        while (written < 64 * 1024 * 1024 && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const err = await client().request({ method: 'GET', path: '/contacts/endless', what: 'the contact list' }).then(() => null, (e: Error & { code?: string }) => e);
    expect(err).to.include({ name: 'NodeError', code: 'response_too_large' });
    expect(err!.message).to.equal(`The answer from ${new URL(target.url).host} is larger than 5 MiB; reading stopped there.`);
    expect(written).to.be.below(64 * 1024 * 1024, 'the client hung up instead of reading everything');
  });

  it('refuses an announced huge answer before reading it', async () => {
    target.route('/contacts/declared', (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) }).end());
    const err = await client().request({ method: 'GET', path: '/contacts/declared' }).then(() => null, (e: Error & { code?: string }) => e);
    expect(err).to.include({ name: 'NodeError', code: 'response_too_large' });
  });

  it('still reads an ordinary answer', async () => {
    target.route('/contacts/ok', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ contacts: [{ id: 'c1' }] })));
    expect(await client().request({ method: 'GET', path: '/contacts/ok' })).to.deep.equal({ contacts: [{ id: 'c1' }] });
  });
});
