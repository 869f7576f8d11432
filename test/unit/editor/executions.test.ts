import { expect } from 'chai';
import { childRuns, linkedRun, runTime, startedBy, stepSummary } from '../../../editor/src/lib/execution-detail.js';
import { executionActions, executionsQuery, timeQuery } from '../../../editor/src/lib/executions.js';
import { formatRoute, parseRoute } from '../../../editor/src/lib/route.js';

const now = Date.parse('2026-11-29T15:00:00.000Z');

describe('editor: the executions list’s filters and actions', () => {
  it('asks for a span back from now', () => {
    expect(timeQuery({ kind: 'any' }, now)).to.deep.equal({});
    expect(timeQuery({ kind: 'last', span: 'hour' }, now)).to.deep.equal({ from: '2026-11-29T14:00:00.000Z' });
    expect(timeQuery({ kind: 'last', span: 'day' }, now)).to.deep.equal({ from: '2026-11-28T15:00:00.000Z' });
    expect(timeQuery({ kind: 'last', span: 'week' }, now)).to.deep.equal({ from: '2026-11-22T15:00:00.000Z' });
  });

  it('reads a custom range in the person’s own time zone and includes the whole end minute', () => {
    const range = timeQuery({ kind: 'custom', from: '2026-11-01T09:30', to: '2026-11-02T17:45' }, now);
    expect(range).to.deep.equal({
      from: new Date(2026, 10, 1, 9, 30).toISOString(),
      to: new Date(new Date(2026, 10, 2, 17, 46).getTime() - 1).toISOString(),
    });
    expect(timeQuery({ kind: 'custom', from: '', to: '2026-11-02T17:45' }, now)).to.have.keys('to');
    expect(timeQuery({ kind: 'custom', from: '2026-11-01T09:30', to: '' }, now)).to.have.keys('from');
    expect(timeQuery({ kind: 'custom', from: '', to: '' }, now)).to.deep.equal({});
  });

  it('says what is wrong with a range that ends before it starts or a value that is no date', () => {
    expect(timeQuery({ kind: 'custom', from: '2026-11-02T10:00', to: '2026-11-02T09:59' }, now)).to.deep.equal({ error: 'The time range ends before it starts: pick an end after the start.' });
    // The same minute at both ends is a range of one minute.
    expect(timeQuery({ kind: 'custom', from: '2026-11-02T10:00', to: '2026-11-02T10:00' }, now)).not.to.have.property('error');
    expect(timeQuery({ kind: 'custom', from: 'soon', to: '' }, now)).to.deep.equal({ error: 'The start of the time range is not a date and time.' });
  });

  it('builds the list query from flow, status and time, leaving out what is not chosen', () => {
    expect(executionsQuery({ flowId: '', status: '', time: { kind: 'any' } }, now)).to.deep.equal({ query: 'limit=100' });
    const full = executionsQuery({ flowId: 'f1', status: 'failed', time: { kind: 'last', span: 'hour' } }, now);
    expect('query' in full && Object.fromEntries(new URLSearchParams(full.query))).to.deep.equal({ limit: '100', flowId: 'f1', status: 'failed', from: '2026-11-29T14:00:00.000Z' });
    expect(executionsQuery({ flowId: '', status: '', time: { kind: 'custom', from: '2026-11-02T10:00', to: '2026-11-01T10:00' } }, now)).to.have.property('error');
  });

  it('offers cancel while an execution is queued, running or waiting, retry once it failed or was cancelled, and nothing to viewers', () => {
    const offers = (status: Parameters<typeof executionActions>[0]['status'], role: Parameters<typeof executionActions>[1]) => executionActions({ status }, role);
    for (const status of ['queued', 'running', 'waiting'] as const) expect(offers(status, 'builder'), status).to.deep.equal({ retry: false, cancel: true });
    for (const status of ['failed', 'cancelled'] as const) expect(offers(status, 'owner'), status).to.deep.equal({ retry: true, cancel: false });
    expect(offers('succeeded', 'admin')).to.deep.equal({ retry: false, cancel: false });
    for (const status of ['waiting', 'failed'] as const) expect(offers(status, 'viewer'), status).to.deep.equal({ retry: false, cancel: false });
    expect(offers('running', undefined)).to.deep.equal({ retry: false, cancel: false });
  });
});

describe('editor: one execution on the executions screen, with its parent and sub-flow runs', () => {
  const names = new Map([
    ['f-parent', 'Order intake'],
    ['f-child', 'Double it'],
  ]);

  it('has an address of its own on the executions screen, to share and to go back to', () => {
    const route = { screen: 'executions', sid: 's 1', executionId: 'e/1' } as const;
    expect(formatRoute(route)).to.equal('/s/s%201/executions?execution=e%2F1');
    const url = new URL(formatRoute(route), 'http://x');
    expect(parseRoute(url.pathname, url.search)).to.deep.equal(route);
    expect(parseRoute('/s/s1/executions')).to.deep.equal({ screen: 'executions', sid: 's1' });
  });

  it('sums up the steps by status, in the order a run goes through them', () => {
    expect(stepSummary([{ status: 'skipped' }, { status: 'succeeded' }, { status: 'succeeded' }, { status: 'failed' }])).to.equal('4 steps: 2 succeeded, 1 failed, 1 skipped');
    expect(stepSummary([{ status: 'waiting' }])).to.equal('1 step: 1 waiting');
    expect(stepSummary([])).to.equal('no steps yet');
  });

  it('says how it was started', () => {
    expect(startedBy('webhook')).to.equal('by a webhook request');
    expect(startedBy('call')).to.equal('by a flow.call of another flow');
    expect(startedBy('listen')).to.equal('by its listen trigger');
    expect(startedBy(undefined)).to.equal('by an unknown trigger');
  });

  it('says how long it ran, or has been running', () => {
    expect(runTime({ startedAt: '2026-11-29T14:59:58.000Z', finishedAt: '2026-11-29T14:59:58.072Z' }, now)).to.equal('took 72 ms');
    expect(runTime({ startedAt: '2026-11-29T14:59:57.000Z', finishedAt: null }, now)).to.equal('running for 3.0 s');
    expect(runTime({ startedAt: null, finishedAt: null }, now)).to.equal('not started yet');
  });

  it('names a linked run by its flow, status and age, and lists sub-flow runs oldest first', () => {
    const parent = linkedRun({ id: 'p1', flowId: 'f-parent', status: 'succeeded', createdAt: '2026-11-29T14:59:55.000Z' }, names, now);
    expect(parent).to.deep.equal({ id: 'p1', flowId: 'f-parent', flowName: 'Order intake', status: 'succeeded', when: '5 s ago', label: 'Order intake, succeeded, 5 s ago' });
    expect(linkedRun({ id: 'x', flowId: 'gone', status: 'failed', createdAt: '2026-11-29T14:00:00.000Z' }, names, now).flowName).to.equal('flow gone');
    const children = childRuns(
      [
        { id: 'c2', flowId: 'f-child', status: 'failed', createdAt: '2026-11-29T14:59:59.000Z' },
        { id: 'c1', flowId: 'f-child', status: 'succeeded', createdAt: '2026-11-29T14:59:50.000Z' },
      ],
      names,
      now,
    );
    expect(children.map((c) => [c.id, c.label])).to.deep.equal([
      ['c1', 'Double it, succeeded, 10 s ago'],
      ['c2', 'Double it, failed, 1 s ago'],
    ]);
    expect(childRuns(undefined, names, now)).to.deep.equal([]);
  });
});
