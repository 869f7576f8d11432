import { expect } from 'chai';
import { change, emptyHistory, MAX_HISTORY, record, redo, undo } from '../../../editor/src/lib/history.js';
import { addNode, rename, setConfig } from '../../../editor/src/lib/graph.js';
import { catalog, graph } from './fixtures.js';

describe('editor: undo history (immer patches)', () => {
  it('undoes and redoes graph and config changes in order', () => {
    let state = { doc: graph(), history: emptyHistory() };
    const original = state.doc;
    state = change(state.doc, state.history, 'add', (d) => addNode(d, { id: 'http', type: 'http.request', config: {} }));
    state = change(state.doc, state.history, 'config', (d) => setConfig(d, catalog, 'set', { value: { ok: false } }));
    state = change(state.doc, state.history, 'rename', (d) => rename(d, 'set', 'Mark it'));
    const last = state.doc;
    expect(state.history.past.map((e) => e.label)).to.deep.equal(['add', 'config', 'rename']);

    let back = undo(state.doc, state.history);
    expect(back.doc.nodes.find((n) => n.id === 'set')!.name).to.equal(undefined);
    back = undo(back.doc, back.history);
    expect(back.doc.nodes.find((n) => n.id === 'set')!.config).to.deep.equal({ value: { ok: true } });
    back = undo(back.doc, back.history);
    expect(back.doc).to.deep.equal(original);
    expect(undo(back.doc, back.history).entry).to.equal(undefined);

    let forward = redo(back.doc, back.history);
    forward = redo(forward.doc, forward.history);
    forward = redo(forward.doc, forward.history);
    expect(forward.doc).to.deep.equal(last);
    expect(forward.history.future).to.have.length(0);
  });

  it('keeps unchanged nodes identical (cheap re-render) and records nothing for a no-op', () => {
    const doc = graph();
    const next = change(doc, emptyHistory(), 'rename', (d) => rename(d, 'set', 'Mark'));
    expect(next.doc.nodes[0]).to.equal(doc.nodes[0]);
    expect(next.doc.nodes[2]).to.not.equal(doc.nodes[2]);
    const same = change(doc, emptyHistory(), 'nothing', () => undefined);
    expect(same.doc).to.equal(doc);
    expect(same.history.past).to.have.length(0);
  });

  it('forgets the redo branch after a new change and bounds the stack', () => {
    let state = change(graph(), emptyHistory(), 'a', (d) => rename(d, 'set', 'A'));
    const back = undo(state.doc, state.history);
    state = change(back.doc, back.history, 'b', (d) => rename(d, 'set', 'B'));
    expect(state.history.future).to.have.length(0);
    let history = emptyHistory();
    for (let i = 0; i < MAX_HISTORY + 5; i++) history = record(history, { label: String(i), patches: [], inverse: [] });
    expect(history.past).to.have.length(MAX_HISTORY);
    expect(history.past[0].label).to.equal('5');
  });
});
