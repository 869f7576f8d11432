import { expect } from 'chai';
import { addGroup, addRule, describeRules, isGroup, operatorInfo, operatorsOf, removeAt, setCombinator, updateRule, type RuleGroupModel, type RuleModel } from '../../../editor/src/lib/rules.js';

describe('editor: rule builder model', () => {
  const start = (): RuleGroupModel => ({ combinator: 'and', rules: [{ left: '{{ $json.age }}', operator: 'gt', right: 17 }] });

  it('adds rules and nested groups at any depth and switches and/or per group', () => {
    let rules = addGroup(start(), []);
    rules = addRule(rules, [1]);
    rules = setCombinator(rules, [1], 'or');
    expect(isGroup(rules.rules[1])).to.equal(true);
    const nested = rules.rules[1] as RuleGroupModel;
    expect(nested.combinator).to.equal('or');
    expect(nested.rules).to.have.length(2);
    expect(rules.combinator).to.equal('and');
    rules = removeAt(rules, [1, 0]);
    expect((rules.rules[1] as RuleGroupModel).rules).to.have.length(1);
    expect(() => addRule(rules, [0])).to.throw(/no group/);
  });

  it('drops values an operator no longer reads', () => {
    let rules = updateRule(start(), [0], { operator: 'between', right: 1, rightTo: 9 });
    expect(rules.rules[0]).to.deep.equal({ left: '{{ $json.age }}', operator: 'between', right: 1, rightTo: 9 });
    rules = updateRule(rules, [0], { operator: 'is_empty' });
    expect(rules.rules[0]).to.deep.equal({ left: '{{ $json.age }}', operator: 'is_empty' });
    expect(start().rules[0]).to.have.property('right', 17);
  });

  it('types operators, so a number field offers number comparisons', () => {
    expect(operatorsOf('number').map((o) => o.value)).to.deep.equal(['eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between']);
    expect(operatorInfo('within_last_days').type).to.equal('date');
    expect(operatorInfo('made_up').operands).to.equal(1);
  });

  it('describes rules in one line', () => {
    const rules = updateRule(addGroup(start(), []), [1, 0], { left: 'x', operator: 'contains', right: 'y' } as Partial<RuleModel>);
    expect(describeRules(rules)).to.equal('$json.age > 17 and x contains y');
  });
});
