import { expect } from 'chai';
import type { FlowGraph } from '../../../editor/src/api/types.js';
import { connectOptions, portsOf, refusedText, targetsOf } from '../../../editor/src/lib/connect.js';
import { connect } from '../../../editor/src/lib/graph.js';
import { change, emptyHistory, undo } from '../../../editor/src/lib/history.js';
import { catalog, graph } from './fixtures.js';

/** webhook → condition → (true) set, with a request node off to the side and a switch with one case. */
const flow = (): FlowGraph => {
  const g = graph();
  g.nodes.push({ id: 'call', type: 'http.request', name: 'Tell the CRM', config: {}, position: { x: 600, y: 200 } });
  g.nodes.push({ id: 'route', type: 'logic.switch', config: { cases: [{ port: 'vip' }] }, position: { x: 900, y: 0 } });
  return g;
};
const ids = (options: { choices: { id: string }[] }) => options.choices.map((c) => c.id);

describe('editor: connecting ports by keyboard', () => {
  it('offers the nodes a port may go to, in reading order, and counts the ones it may not', () => {
    const options = connectOptions(flow(), catalog, 'check', 'true');
    // set is already connected from true, hook is a trigger; call (x 600, y 200) comes after set's x, before route.
    expect(ids(options)).to.deep.equal(['call', 'route']);
    expect(options.refused).to.deep.equal({ into_trigger: 1, duplicate: 1 });
    expect(refusedText(options.refused)).to.equal('Not offered: 1 is a trigger, 1 already connected from this port.');
    // The other port of the same node may go to set.
    expect(ids(connectOptions(flow(), catalog, 'check', 'false'))).to.deep.equal(['set', 'call', 'route']);
  });

  it('never offers a node that would close a loop, nor the node itself', () => {
    const options = connectOptions(flow(), catalog, 'set', 'main');
    expect(ids(options)).to.deep.equal(['call', 'route']);
    expect(options.refused).to.deep.equal({ cycle: 1, into_trigger: 1 }, 'check reaches set: set → check would loop');
    expect(refusedText({ cycle: 2 })).to.equal('Not offered: 2 would make a loop.');
    expect(refusedText({})).to.equal('');
  });

  it('searches by name, id, type and type title', () => {
    expect(ids(connectOptions(flow(), catalog, 'check', 'false', 'crm'))).to.deep.equal(['call']);
    expect(ids(connectOptions(flow(), catalog, 'check', 'false', 'switch'))).to.deep.equal(['route']);
    expect(ids(connectOptions(flow(), catalog, 'check', 'false', 'logic set'))).to.deep.equal(['set']);
    expect(ids(connectOptions(flow(), catalog, 'check', 'false', 'nothing like it'))).to.deep.equal([]);
    expect(connectOptions(flow(), catalog, 'check', 'false').choices[1]).to.deep.equal({ id: 'call', label: 'Tell the CRM', type: 'http.request' });
  });

  it('knows each node’s ports (a switch’s follow its cases) and where each goes', () => {
    expect(portsOf(flow(), catalog, 'check')).to.deep.equal(['true', 'false']);
    expect(portsOf(flow(), catalog, 'route')).to.deep.equal(['vip', 'default']);
    expect(portsOf(flow(), catalog, 'ghost')).to.deep.equal([]);
    expect(targetsOf(flow(), 'check', 'true')).to.deep.equal(['set']);
    expect(targetsOf(flow(), 'hook', 'main')).to.deep.equal(['check']);
    expect(targetsOf(flow(), 'check', 'false')).to.deep.equal([]);
  });

  it('adds the picked connection as one undoable edit, after which it is no longer offered', () => {
    const start = flow();
    const next = change(start, emptyHistory(), 'connect', (d) => connect(d, { source: 'check', sourcePort: 'false', target: 'call' }));
    expect(targetsOf(next.doc, 'check', 'false')).to.deep.equal(['call']);
    expect(ids(connectOptions(next.doc, catalog, 'check', 'false'))).to.deep.equal(['set', 'route']);
    expect(undo(next.doc, next.history).doc).to.deep.equal(start);
  });
});
