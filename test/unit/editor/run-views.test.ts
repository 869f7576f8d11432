import { expect } from 'chai';
import type { ExecutionEvent } from '../../../editor/src/api/types.js';
import { attemptsOf } from '../../../editor/src/lib/attempts.js';
import { cellText, defaultView, schemaOf, tableOf, type SchemaField } from '../../../editor/src/lib/data-views.js';
import { frameBatcher } from '../../../editor/src/lib/frame-batch.js';
import { applyEvent, applyEvents, overlayOf, withDetail, type RunOverlay } from '../../../editor/src/lib/overlay.js';
import { formatDuration, timelineOf } from '../../../editor/src/lib/timeline.js';

const event = (type: ExecutionEvent['type'], at: string, extra: Partial<ExecutionEvent> = {}): ExecutionEvent => ({ type, executionId: 'e1', flowId: 'f', status: type.startsWith('execution') ? 'running' : type.slice(5), at, ...extra });
const t = (ms: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, 0, ms)).toISOString();

describe('editor: table, JSON and schema views of step data', () => {
  it('makes a table of a list of objects, columns in the order fields first appear', () => {
    const table = tableOf([{ id: 1, name: 'Ana' }, { id: 2, tags: ['a'] }, { name: null }]);
    expect(table).to.deep.equal({ columns: ['id', 'name', 'tags'], rows: [{ id: 1, name: 'Ana' }, { id: 2, tags: ['a'] }, { name: null }], more: 0 });
    expect(tableOf({ a: 1 })!.rows).to.deep.equal([{ a: 1 }]);
    expect(tableOf(['line 1', 'line 2'])).to.deep.equal({ columns: ['value'], rows: [{ value: 'line 1' }, { value: 'line 2' }], more: 0 });
    expect(tableOf('text')).to.equal(null);
    expect(tableOf([])).to.equal(null);
    expect(tableOf(Array.from({ length: 250 }, (_, i) => ({ i })))!.more).to.equal(50);
    expect([cellText('a'), cellText(1), cellText(null), cellText({ b: 1 }), cellText(undefined)]).to.deep.equal(['a', '1', 'null', '{"b":1}', '']);
  });

  it('derives the schema: field names with types, list items merged, paths to read them', () => {
    const brief = (fields: SchemaField[]): unknown => fields.map((f) => (f.children.length ? [f.name, f.type, brief(f.children)] : [f.name, f.type]));
    const value = { email: 'a@b.c', age: 30, vip: true, note: null, tags: ['x'], items: [{ sku: 'A', qty: 1 }, { sku: 'B', price: 2.5 }, { sku: null }], empty: [] };
    expect(brief(schemaOf(value))).to.deep.equal([
      ['email', 'string'],
      ['age', 'number'],
      ['vip', 'boolean'],
      ['note', 'null'],
      ['tags', 'array of string'],
      ['items', 'array of object', [['sku', 'string | null'], ['qty', 'number'], ['price', 'number']]],
      ['empty', 'array'],
    ]);
    expect(schemaOf(value)[5].children[2].path).to.deep.equal(['items', 0, 'price']);
    expect(schemaOf([{ id: 1 }])[0].path).to.deep.equal([0, 'id']);
    expect(schemaOf('just text')).to.deep.equal([]);
  });

  it('opens lists of objects as a table and anything else as JSON', () => {
    expect(defaultView([{ a: 1 }])).to.equal('table');
    expect(defaultView({ a: 1 })).to.equal('json');
    expect(defaultView([1, 2])).to.equal('json');
  });

  it('lists a step’s attempts from its retry logs and its last status', () => {
    const run = { status: 'succeeded' as const, attempt: 3, logs: ['calling', 'attempt 1 failed: 503 Service Unavailable; retrying', 'attempt 2 failed: timeout; retrying', 'done'] };
    expect(attemptsOf(run)).to.deep.equal([
      { attempt: 1, status: 'failed, retried', message: '503 Service Unavailable' },
      { attempt: 2, status: 'failed, retried', message: 'timeout' },
      { attempt: 3, status: 'succeeded', message: '' },
    ]);
    expect(attemptsOf({ status: 'failed', attempt: 1, error: { message: 'bad request' } })).to.deep.equal([{ attempt: 1, status: 'failed', message: 'bad request' }]);
    expect(attemptsOf({ status: 'skipped' })).to.deep.equal([]);
  });
});

describe('editor: live overlay and timeline', () => {
  it('folds a batch of events copying the node map once, and keeps untouched nodes', () => {
    const start = applyEvents(null, [event('execution.started', t(0)), event('step.succeeded', t(5), { nodeId: 'hook', output: { a: 1 } })])!;
    const hook = start.nodes.hook;
    const next = applyEvents(start, [event('step.started', t(10), { nodeId: 'check', attempt: 1 }), event('step.succeeded', t(30), { nodeId: 'check', output: true }), event('step.skipped', t(31), { nodeId: 'set' })])!;
    expect(next.nodes.hook).to.equal(hook);
    expect(start.nodes).not.to.have.property('check'); // the earlier overlay is not mutated
    expect(next.nodes.check).to.deep.equal({ status: 'succeeded', attempt: 1, output: true, error: null, startedAt: t(10), finishedAt: t(30) });
    expect(next.nodes.set).to.deep.include({ status: 'skipped', startedAt: t(31), finishedAt: t(31) });
    expect(next.startedAt).to.equal(t(0));
    // The same result event by event.
    const oneByOne = [event('step.started', t(10), { nodeId: 'check', attempt: 1 }), event('step.succeeded', t(30), { nodeId: 'check', output: true }), event('step.skipped', t(31), { nodeId: 'set' })].reduce<RunOverlay | null>(applyEvent, start);
    expect(oneByOne).to.deep.equal(next);
    // Another execution's steps are ignored until it starts.
    expect(applyEvents(next, [{ ...event('step.failed', t(40), { nodeId: 'set' }), executionId: 'e2' }])).to.equal(next);
    const finished = applyEvents(next, [{ ...event('execution.finished', t(50)), status: 'succeeded' }])!;
    expect(finished).to.deep.include({ status: 'succeeded', finishedAt: t(50) });
  });

  it('takes logs, ports and the input from the execution’s detail, unless the canvas moved on', () => {
    const execution = { id: 'e1', flowId: 'f', flowVersion: 1, status: 'succeeded' as const, trigger: { type: 'webhook', nodeId: 'hook' }, startedAt: t(0), finishedAt: t(9), createdAt: t(0), error: null, input: { body: {} }, steps: [{ nodeId: 'hook', status: 'succeeded' as const, attempt: 1, output: { body: {} }, ports: ['main'], error: null, logs: ['hi'], startedAt: t(0), finishedAt: t(1) }] };
    const overlay = withDetail({ executionId: 'e1', status: 'running', nodes: {} }, execution)!;
    expect(overlay).to.deep.include({ triggerNodeId: 'hook', input: { body: {} }, startedAt: t(0) });
    expect(overlay.nodes.hook).to.deep.include({ ports: ['main'], logs: ['hi'] });
    const other = { executionId: 'e2', status: 'running', nodes: {} };
    expect(withDetail(other, execution)).to.equal(other);
    expect(overlayOf(execution).nodes.hook.finishedAt).to.equal(t(1));
  });

  it('lays the steps out on the run’s time span, the running ones growing until now', () => {
    const overlay: RunOverlay = {
      executionId: 'e1',
      status: 'running',
      startedAt: t(0),
      nodes: {
        set: { status: 'skipped', finishedAt: t(400) },
        hook: { status: 'succeeded', startedAt: t(0), finishedAt: t(100) },
        http: { status: 'running', startedAt: t(100) },
        cond: { status: 'succeeded', finishedAt: t(100) },
      },
    };
    const timeline = timelineOf(overlay, Date.parse(t(1000)));
    expect(timeline.totalMs).to.equal(1000);
    expect(timeline.running).to.equal(true);
    expect(timeline.rows.map((r) => [r.nodeId, r.startMs, r.durationMs, r.running, r.left, r.width])).to.deep.equal([
      ['hook', 0, 100, false, 0, 10],
      ['http', 100, 900, true, 10, 90],
      ['cond', 100, 0, false, 10, 0.5],
      ['set', 400, 0, false, 40, 0.5],
    ]);
    expect(timelineOf(null, 0)).to.deep.equal({ rows: [], totalMs: 0, running: false });
    expect([formatDuration(850), formatDuration(2400), formatDuration(12_400), formatDuration(185_000)]).to.deep.equal(['850 ms', '2.4 s', '12 s', '3 min 5 s']);
  });

  it('hands queued events over once per frame, in order', () => {
    const frames: Array<() => void> = [];
    const delivered: number[][] = [];
    const batch = frameBatcher<number>((items) => delivered.push(items), (run) => {
      frames.push(run);
      return () => undefined;
    });
    for (let i = 0; i < 100; i++) batch.push(i);
    expect(frames).to.have.length(1); // one frame asked for a hundred events
    expect(delivered).to.deep.equal([]);
    frames[0]();
    expect(delivered).to.have.length(1);
    expect(delivered[0]).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
    batch.push(100);
    expect(frames).to.have.length(2);
    batch.flush(); // handed over at once, e.g. before a detail replaces the overlay
    expect(delivered[1]).to.deep.equal([100]);
    frames[1](); // the frame comes later: nothing left to hand over
    expect(delivered).to.have.length(2);
    batch.push(101);
    batch.dispose();
    frames[2]();
    expect(delivered).to.have.length(2);
  });
});
