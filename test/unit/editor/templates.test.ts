import { expect } from 'chai';
import { templateFacts } from '../../../editor/src/lib/flows-list.js';

describe('editor: flow template cards', () => {
  const graphOf = (count: number) => ({ nodes: Array.from({ length: count }, (_, i) => ({ id: `n${i}`, type: 'logic.set' })), edges: [] });

  it('says how big a template is and which services it needs, by their names', () => {
    expect(templateFacts({ graph: graphOf(12), integrations: ['gohighlevel', 'openai'] })).to.equal('12 nodes · GoHighLevel, OpenAI');
    expect(templateFacts({ graph: graphOf(1), integrations: [] })).to.equal('1 node');
    expect(templateFacts({ graph: graphOf(3), integrations: ['facebook-ads'] })).to.equal('3 nodes · facebook-ads', 'an unknown service keeps its id');
  });
});
