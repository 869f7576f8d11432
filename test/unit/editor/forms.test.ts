import { expect } from 'chai';
import { initialConfig } from '../../../editor/src/lib/defaults.js';
import { ago, lastExecutions, searchFlows, starterGraph } from '../../../editor/src/lib/flows-list.js';
import { formSchema, uiSchemaFor } from '../../../editor/src/lib/form-schema.js';
import { change, COALESCE_MS, emptyHistory, undo } from '../../../editor/src/lib/history.js';
import { rename } from '../../../editor/src/lib/graph.js';
import { graph } from './fixtures.js';

const ruleGroup = { $id: 'https://switchboard.local/schemas/logic/rule-group.json', type: 'object', required: ['rules'], $defs: { rule: {} }, properties: { rules: { items: { else: { $ref: '#' } } } } };

describe('editor: config forms', () => {
  it('gives rule groups to the rule builder, untyped values to the JSON field, integrationId to the picker', () => {
    const condition = { configSchema: { type: 'object', properties: { rules: ruleGroup } } };
    expect(uiSchemaFor(condition)).to.deep.equal({ rules: { 'ui:field': 'rules' } });
    expect(formSchema(condition.configSchema)).to.deep.equal({ type: 'object', properties: { rules: { type: 'object', title: 'Rules' } } });
    const swtch = { configSchema: { type: 'object', properties: { cases: { type: 'array', items: { type: 'object', properties: { port: { type: 'string' }, rules: ruleGroup } } } } } };
    expect(uiSchemaFor(swtch)).to.deep.equal({ cases: { items: { rules: { 'ui:field': 'rules' } } } });
    const set = { configSchema: { type: 'object', properties: { value: { description: 'any' }, merge: { type: 'boolean' } } } };
    expect(uiSchemaFor(set)).to.deep.equal({ value: { 'ui:field': 'json' } });
    const ghl = { configSchema: { type: 'object', properties: { integrationId: { type: 'string' }, email: { type: 'string' } } }, integration: 'gohighlevel', uiSchema: { email: { 'ui:placeholder': 'a@b.c' } } };
    expect(uiSchemaFor(ghl)).to.deep.equal({ integrationId: { 'ui:widget': 'integration' }, email: { 'ui:placeholder': 'a@b.c' } });
  });

  it('starts condition, switch and set nodes with a config the server accepts', () => {
    expect(initialConfig({ type: 'logic.condition', configSchema: {} })).to.deep.equal({ rules: { combinator: 'and', rules: [{ left: '', operator: 'equals', right: '' }] } });
    expect((initialConfig({ type: 'logic.switch', configSchema: {} }).cases as unknown[]).length).to.equal(1);
    expect(initialConfig({ type: 'logic.set', configSchema: {} })).to.deep.equal({ value: {} });
    expect(initialConfig({ type: 'http.request', configSchema: {} })).to.deep.equal({});
  });
});

describe('editor: flows list and typing undo', () => {
  it('searches flows, finds each flow’s last execution, and starts new flows with a manual trigger', () => {
    const flows = [
      { name: 'New lead to GHL', description: 'form' },
      { name: 'Invoice reminder', description: null },
    ];
    expect(searchFlows(flows, 'lead ghl')).to.deep.equal([flows[0]]);
    expect(searchFlows(flows, '')).to.have.length(2);
    const last = lastExecutions([{ flowId: 'a', id: '2' }, { flowId: 'a', id: '1' }, { flowId: 'b', id: '3' }] as never);
    expect(last.get('a')!.id).to.equal('2');
    expect(starterGraph().nodes[0].type).to.equal('trigger.manual');
    expect(ago('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:05:00Z'))).to.equal('5 min ago');
    expect(ago(null)).to.equal('');
  });

  it('undoes a burst of typing in one field as one step, and separate bursts separately', () => {
    let state = { doc: graph(), history: emptyHistory() };
    const original = state.doc;
    const type = (text: string, now: number) => (state = change(state.doc, state.history, 'rename', (d) => rename(d, 'set', text), { coalesce: 'name:set', now }));
    type('H', 1000);
    type('He', 1200);
    type('Hey', 1400);
    expect(state.history.past).to.have.length(1);
    type('Hey!', 1400 + COALESCE_MS + 1);
    expect(state.history.past).to.have.length(2);
    const back = undo(state.doc, state.history);
    expect(back.doc.nodes[2].name).to.equal('Hey');
    expect(undo(back.doc, back.history).doc).to.deep.equal(original);
  });
});
