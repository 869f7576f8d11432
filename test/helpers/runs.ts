import { expect } from 'chai';
import type { Graph, Workspace } from './flows.js';
import { timeline, type LiveEvent } from './live.js';

/**
 * "Greet VIPs": a trigger, a condition on the person's `vip`, a greeting on the true branch (then a
 * wrap-up), and a branch for everyone else that a VIP run skips. `person` is where the trigger's
 * output holds the person: `$json` for a manual run, `$json.body` for a webhook.
 */
export function vipFlow(trigger: Graph['nodes'][number] = { id: 'start', type: 'trigger.manual' }, person = '$json'): Graph {
  return {
    nodes: [
      trigger,
      { id: 'check', type: 'logic.condition', config: { rules: { combinator: 'and', rules: [{ left: `{{ ${person}.vip }}`, operator: 'is_true' }] } } },
      { id: 'greet', type: 'logic.set', config: { value: { welcome: `Welcome back, {{ ${person}.name }}` } } },
      { id: 'done', type: 'logic.set', config: { value: { greeted: '{{ $json.welcome }}' } } },
      { id: 'ignore', type: 'logic.set', config: { value: { welcome: null } } },
    ],
    edges: [
      { source: trigger.id, target: 'check' },
      { source: 'check', sourcePort: 'true', target: 'greet' },
      { source: 'greet', target: 'done' },
      { source: 'check', sourcePort: 'false', target: 'ignore' },
    ],
  };
}

/** Presses Run: a manual run that answers 202 at once; resolves with the execution id. */
export async function startRun(ws: Workspace, flowId: string, input: unknown = {}): Promise<string> {
  const res = await ws.server.request('POST', `/api/subaccounts/${ws.sid}/flows/${flowId}/run`, { token: ws.token, body: { input } });
  if (res.status !== 202) throw new Error(`run failed: ${res.status} ${res.text}`);
  return res.body.executionId;
}

/** A flow whose second node always fails. */
export const failingFlow: Graph = {
  nodes: [
    { id: 'start', type: 'trigger.manual' },
    { id: 'boom', type: 'logic.set', config: { value: '{{ $error("no such customer") }}' } },
  ],
  edges: [{ source: 'start', target: 'boom' }],
};

/** A flow that parks for a minute before it goes on. */
export const delayedFlow: Graph = {
  nodes: [
    { id: 'start', type: 'trigger.manual' },
    { id: 'wait', type: 'logic.delay', config: { amount: 60, unit: 'seconds' } },
    { id: 'after', type: 'logic.set', config: { value: { resumed: true } } },
  ],
  edges: [
    { source: 'start', target: 'wait' },
    { source: 'wait', target: 'after' },
  ],
};

/** Each item appears in the timeline, in this order (other entries may sit between them). */
export function expectInOrder(entries: string[], expected: string[]): void {
  const positions = expected.map((entry) => entries.indexOf(entry));
  expect(positions, `${JSON.stringify(expected)} in ${JSON.stringify(entries)}`).to.not.include(-1);
  expect(positions, `${JSON.stringify(expected)} in ${JSON.stringify(entries)}`).to.deep.equal([...positions].sort((a, b) => a - b));
}

/** Every message is a well-formed §8 message of this execution, and the run opens and closes once. */
export function expectWellFormedRun(events: LiveEvent[], ids: { executionId: string; flowId: string }): void {
  expect(events.length).to.be.greaterThan(1);
  for (const event of events) {
    expect(event).to.include(ids);
    expect(event.type).to.be.a('string');
    expect(event.status).to.be.a('string');
    expect(new Date(event.at).toISOString()).to.equal(event.at);
    expect(event).to.not.have.property('subaccountId');
    if (event.type.startsWith('step.')) expect(event.nodeId, event.type).to.be.a('string');
  }
  const entries = timeline(events);
  expect(entries[0]).to.equal('execution.started');
  expect(entries.at(-1)).to.equal('execution.finished');
  expect(entries.filter((e) => e === 'execution.started')).to.have.length(1);
  expect(entries.filter((e) => e === 'execution.finished')).to.have.length(1);
  const times = events.map((e) => Date.parse(e.at));
  expect(times).to.deep.equal([...times].sort((a, b) => a - b));
}

/** A VIP run of `vipFlow`: everything on the true branch succeeds in order, the other branch is skipped. */
export function expectVipRun(events: LiveEvent[], ids: { executionId: string; flowId: string }, trigger = 'start'): void {
  expectWellFormedRun(events, ids);
  const entries = timeline(events);
  expect([...entries].sort()).to.deep.equal(
    ['execution.started', `step.succeeded ${trigger}`, 'step.succeeded check', 'step.succeeded greet', 'step.succeeded done', 'step.skipped ignore', 'execution.finished'].sort(),
  );
  expectInOrder(entries, ['execution.started', `step.succeeded ${trigger}`, 'step.succeeded check', 'step.succeeded greet', 'step.succeeded done', 'execution.finished']);
  expectInOrder(entries, ['step.succeeded check', 'step.skipped ignore', 'execution.finished']);
  expect(events.at(-1)!.status).to.equal('succeeded');
  expect(events.find((e) => e.nodeId === 'ignore')!.status).to.equal('skipped');
}
