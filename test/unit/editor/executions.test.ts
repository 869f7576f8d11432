import { expect } from 'chai';
import { executionActions, executionsQuery, timeQuery } from '../../../editor/src/lib/executions.js';

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
