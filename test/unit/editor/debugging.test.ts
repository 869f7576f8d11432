import { expect } from 'chai';
import { canListen, describeListen, describeNodeRun, NODE_RUNS, withNodeRun, type NodeRunResult } from '../../../editor/src/lib/debug-runs.js';
import { documentOf, removeNodes, saveFields } from '../../../editor/src/lib/graph.js';
import { change, emptyHistory, redo, undo } from '../../../editor/src/lib/history.js';
import { isPinned, parsePin, pin, pinOf, pinsToSave, unpin } from '../../../editor/src/lib/pins.js';
import type { RunOverlay } from '../../../editor/src/lib/overlay.js';
import { graph } from './fixtures.js';

const result = (over: Partial<NodeRunResult> = {}): NodeRunResult => ({
  nodeId: 'set',
  status: 'succeeded',
  attempt: 1,
  outputs: { main: { ok: true } },
  output: { ok: true },
  ports: ['main'],
  error: null,
  logs: [],
  input: { a: 1 },
  inputFrom: 'lastExecution',
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:00.010Z',
  ...over,
});

describe('editor: pinned data and debugging runs', () => {
  it('pins and unpins through the undo history, like any edit', () => {
    let state = { doc: graph(), history: emptyHistory() };
    state = change(state.doc, state.history, 'pin', (d) => pin(d, 'set', { id: 7 }));
    state = change(state.doc, state.history, 'pin', (d) => pin(d, 'check', false));
    expect(pinOf(state.doc, 'set')).to.deep.equal({ value: { id: 7 } });
    expect(pinOf(state.doc, 'check')).to.deep.equal({ value: false }, 'a falsy pin is still a pin');
    expect(isPinned(state.doc, 'hook')).to.equal(false);

    state = change(state.doc, state.history, 'unpin', (d) => unpin(d, 'set'));
    expect(isPinned(state.doc, 'set')).to.equal(false);
    state = change(state.doc, state.history, 'unpin', (d) => unpin(d, 'check'));
    expect(state.doc).to.not.have.property('pinData', 'the last unpin leaves no empty map behind');

    const back = undo(state.doc, state.history);
    expect(pinOf(back.doc, 'check')).to.deep.equal({ value: false });
    const twice = undo(back.doc, back.history);
    expect(pinOf(twice.doc, 'set')).to.deep.equal({ value: { id: 7 } });
    expect(pinOf(redo(twice.doc, twice.history).doc, 'set')).to.equal(undefined);
  });

  it('saves the pins of nodes still in the graph, and reads them back from a flow', () => {
    let state = { doc: graph(), history: emptyHistory() };
    state = change(state.doc, state.history, 'pin', (d) => pin(d, 'set', [1, 2]));
    state = change(state.doc, state.history, 'pin', (d) => pin(d, 'check', true));
    state = change(state.doc, state.history, 'delete', (d) => removeNodes(d, ['set']));
    expect(pinsToSave(state.doc)).to.deep.equal({ check: true }, 'a deleted node’s pin is not sent (the server would refuse it)');
    expect(saveFields(state.doc).pinData).to.deep.equal({ check: true });
    expect(pinsToSave(graph())).to.deep.equal({}, 'no pins: an empty map, which clears the stored ones');

    const opened = documentOf({ graph: graph(), pinData: { hook: { body: {} } } });
    expect(pinOf(opened, 'hook')).to.deep.equal({ value: { body: {} } });
    expect(documentOf({ graph: graph(), pinData: {} })).to.not.have.property('pinData');
  });

  it('parses typed pins, saying what is wrong', () => {
    expect(parsePin('{"a": 1}')).to.deep.equal({ value: { a: 1 } });
    expect(parsePin('null')).to.deep.equal({ value: null });
    expect(parsePin('  ')).to.have.property('error').that.contains('Type the JSON');
    expect(parsePin('{a: 1}')).to.have.property('error').that.contains('Not JSON');
  });

  it('shows a node run in the overlay beside the last run’s other nodes', () => {
    const last: RunOverlay = { executionId: 'e1', status: 'succeeded', nodes: { hook: { status: 'succeeded', output: { body: {} } } } };
    const after = withNodeRun(last, result({ status: 'failed', output: null, outputs: {}, ports: [], error: { message: 'boom', retryable: false } }));
    expect(after.nodes.hook).to.equal(last.nodes.hook);
    expect(after.nodes.set).to.include({ status: 'failed', output: undefined });
    expect(after.nodes.set.error).to.deep.equal({ message: 'boom', retryable: false });
    expect(last.nodes).to.not.have.property('set', 'the overlay is replaced, not changed');
    expect(withNodeRun(null, result()).executionId).to.equal(NODE_RUNS);
    expect(withNodeRun(null, result()).nodes.set.output).to.deep.equal({ ok: true });
  });

  it('says how a node run went and what it ran on; only webhook and GoHighLevel triggers can be listened to', () => {
    expect(describeNodeRun(result())).to.equal('Succeeded. Ran on its input in the last execution.');
    expect(describeNodeRun(result({ status: 'failed', error: { message: 'boom', retryable: false }, inputFrom: 'request' }))).to.equal('Failed: boom. Ran on the input you gave.');
    expect(describeNodeRun(result({ pinned: true }))).to.contain('Pinned');
    expect(describeListen({ sample: null, executionId: null })).to.contain('Nothing arrived');
    expect(describeListen({ sample: {}, executionId: 'e' })).to.contain('received');
    expect(['trigger.webhook', 'trigger.ghl', 'trigger.schedule', 'trigger.manual', 'logic.set'].filter(canListen)).to.deep.equal(['trigger.webhook', 'trigger.ghl']);
  });
});
