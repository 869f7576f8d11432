import { expect } from 'chai';
import { fakeStripeForBilling, subscribeTo } from '../helpers/billing.js';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, runAndWait, stepOf, type Graph, type Workspace } from '../helpers/flows.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { createSubaccount, registerAgency, type Agency } from '../helpers/story.js';
import type { FakeStripe } from '../fakes/stripe/server.js';

const SECRET_KEY = 'sk_test_switchboard_ceilings';
const WEBHOOK_SECRET = 'whsec_test_switchboard_ceilings';
const PROFESSIONAL = { id: 'professional', price: 'price_professional_monthly', webhookSecret: WEBHOOK_SECRET };

/** A manual trigger and one code node. */
const codeFlow = (code: string, config: Record<string, unknown> = {}): Graph => ({
  nodes: [{ id: 'start', type: 'trigger.manual' }, { id: 'code', type: 'code.javascript', config: { code, ...config } }],
  edges: [{ source: 'start', target: 'code' }],
});

// About 52 MB kept alive (arrays of 2^17 doubles, 1 MB each): past Starter's 32 MB heap, within Professional's
// 64 MB (the server's CODE_MEMORY_MB default).
const HUNGRY = 'const kept = []; for (let i = 0; i < 52; i++) kept.push(new Array(1 << 17).fill(i + 0.5)); return kept.length;';

/**
 * The plan's code node ceilings: the lower of the plan's and the server's CODE_* ceilings bound a code
 * node, and an upgrade lifts them. (This process's CODE_MEMORY_MB is the default 64 MB.)
 */
for (const kind of databaseKinds) {
  describe(`plan ceilings on the code node (${kind.name})`, function () {
    this.timeout(60_000);
    let stripe: FakeStripe;
    let server: TestServer;
    let agency: Agency;
    let ws: Workspace;

    before(async () => {
      let env: Record<string, string>;
      ({ stripe, env } = await fakeStripeForBilling(SECRET_KEY, WEBHOOK_SECRET, { STRIPE_PRICE_PROFESSIONAL_MONTHLY: PROFESSIONAL.price }));
      server = await startServer(kind, env);
      agency = await registerAgency(server);
      ws = { server, token: agency.token, sid: await createSubaccount(server, agency.token) };
    });
    after(async () => {
      await server?.close();
      await stripe?.close();
    });

    it('stops a script past Starter’s memory ceiling, refuses asking for more than it, and lets both run after an upgrade', async () => {
      const hungry = await createFlow(ws, codeFlow(HUNGRY));
      const asking = await createFlow(ws, codeFlow('return "room enough"', { memoryMb: 48 }));

      // The editor's "run this node" gets the plan's ceilings too.
      const alone = await server.request('POST', `/api/subaccounts/${ws.sid}/flows/${hungry.id}/nodes/code/run`, { token: ws.token, body: { input: {} } });
      expect(alone.status, alone.text).to.equal(200);
      expect(alone.body.error).to.deep.include({ code: 'memory_limit_exceeded' });
      expect(alone.body.error.message).to.include('set by the Starter plan');
      const stopped = stepOf(await runAndWait(ws, hungry.id), 'code');
      expect(stopped.status, JSON.stringify(stopped)).to.equal('failed');
      expect(stopped.error).to.deep.include({ code: 'memory_limit_exceeded' });
      expect(stopped.error!.message).to.include('memory limit of 32 MB');
      expect(stopped.error!.message).to.include('The ceiling of 32 MB is set by the Starter plan; upgrade to the Professional plan in billing for 64 MB and 5000 ms.');
      const refused = stepOf(await runAndWait(ws, asking.id), 'code');
      expect(refused.error).to.deep.include({ code: 'limit_above_ceiling' });
      expect(refused.error!.message).to.match(/^memoryMb 48 is above the ceiling of 32 MB\. The ceiling of 32 MB is set by the Starter plan/);

      await subscribeTo(server, stripe, agency, PROFESSIONAL);
      const ran = stepOf(await runAndWait(ws, hungry.id), 'code');
      expect(ran.error).to.equal(null);
      expect(ran.output).to.equal(52);
      expect(stepOf(await runAndWait(ws, asking.id), 'code').output).to.equal('room enough');
      // Above the server's own ceiling, the server's variable is named, whatever the plan.
      const greedy = await createFlow(ws, codeFlow('return 1', { memoryMb: 100 }));
      expect(stepOf(await runAndWait(ws, greedy.id), 'code').error!.message).to.include('this server\'s ceiling of 64 MB (CODE_MEMORY_MB)');
    });
  });

  describe(`billing off: the server's code ceilings only (${kind.name})`, function () {
    this.timeout(60_000);
    let server: TestServer;

    before(async () => {
      server = await startServer(kind);
    });
    after(async () => server?.close());

    it('runs the script Starter would stop', async () => {
      const agency = await registerAgency(server);
      const ws = { server, token: agency.token, sid: await createSubaccount(server, agency.token) };
      const ran = stepOf(await runAndWait(ws, (await createFlow(ws, codeFlow(HUNGRY))).id), 'code');
      expect(ran.error).to.equal(null);
      expect(ran.output).to.equal(52);
    });
  });
}
