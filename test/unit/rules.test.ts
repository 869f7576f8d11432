import { expect } from 'chai';
import { NodeError, outputsOf, type AnyNodeDefinition } from '../../nodes/contract.js';
import condition from '../../nodes/logic/condition/handler.js';
import { evaluateRules, OPERATORS, ruleGroupSchema, type Operator, type Rule, type RuleGroup } from '../../nodes/logic/rules.js';
import switchNode from '../../nodes/logic/switch/handler.js';
import { compile, toDetails } from '../../server/lib/validation.js';

const NOW = new Date('2024-06-15T12:00:00Z');
const DAY = 86_400_000;
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY).toISOString();

const rule = (operator: Operator, left?: unknown, right?: unknown, extra: Partial<Rule> = {}): Rule => ({ operator, left, right, ...extra });
const holds = (r: Rule) => evaluateRules({ rules: [r] }, NOW);

function errorOf(fn: () => unknown): NodeError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(NodeError);
    return err as NodeError;
  }
  throw new Error('expected a NodeError');
}
const ruleError = (group: RuleGroup) => {
  const err = errorOf(() => evaluateRules(group, NOW));
  expect(err.code).to.equal('invalid_rule');
  return err.message;
};

// [left, right, expected, extra]
type Case = [unknown, unknown, boolean, Partial<Rule>?];
const cases: Record<Operator, Case[]> = {
  equals: [['abc', 'abc', true], ['abc', 'abd', false], [42, '42', true], [{ a: 1, b: [1] }, { b: [1], a: 1 }, true], [[1, 2], [2, 1], false], [null, null, true], [true, 'true', false]],
  not_equals: [['a', 'b', true], ['a', 'a', false], [{ a: 1 }, { a: 2 }, true], [[1], [1], false]],
  contains: [['hello world', 'lo w', true], ['hello', 'xyz', false], [12345, 234, true]],
  not_contains: [['hello', 'xyz', true], ['hello', 'ell', false]],
  starts_with: [['hello', 'he', true], ['hello', 'lo', false], [2024, '20', true]],
  ends_with: [['hello', 'lo', true], ['hello', 'he', false]],
  matches_regex: [['order-123', '^order-\\d+$', true], ['order-abc', '^order-\\d+$', false], [404, '^4\\d\\d$', true]],
  is_empty: [[undefined, undefined, true], [null, undefined, true], ['', undefined, true], [[], undefined, true], [{}, undefined, true], ['x', undefined, false], [0, undefined, false], [false, undefined, false], [[0], undefined, false], [{ a: null }, undefined, false], [' ', undefined, false]],
  is_not_empty: [['x', undefined, true], [0, undefined, true], [[], undefined, false], [{}, undefined, false], [null, undefined, false], [undefined, undefined, false]],
  eq: [[42, '42', true], [' 42 ', 42, true], ['1e3', 1000, true], [1, 2, false]],
  ne: [[1, 2, true], [1, '1', false]],
  lt: [[1, 2, true], [2, 2, false], ['-5', 0, true]],
  lte: [[2, 2, true], [3, 2, false]],
  gt: [['10', 9, true], [9, 10, false], [0.5, 0.25, true]],
  gte: [[10, 10, true], [9, 10, false]],
  between: [[5, 1, true, { rightTo: 10 }], [1, 1, true, { rightTo: 10 }], [10, 1, true, { rightTo: 10 }], [0, 1, false, { rightTo: 10 }], [10.001, 1, false, { rightTo: 10 }], ['7', '5', true, { rightTo: '7' }], [3, 3, true, { rightTo: 3 }]],
  is_true: [[true, undefined, true], [false, undefined, false], ['TRUE', undefined, true], ['false', undefined, false]],
  is_false: [[false, undefined, true], [true, undefined, false], ['false', undefined, true]],
  before: [['2024-01-01', '2024-01-02', true], ['2024-01-02', '2024-01-01', false], [Date.UTC(2023, 0, 1), '2024-01-01', true], ['2024-01-01', '2024-01-01', false], ['2024-06-15T13:00:00+02:00', '2024-06-15T12:00:00Z', true]],
  after: [['2024-01-02', '2024-01-01', true], ['2024-01-01', '2024-01-02', false], ['2024-06-15T12:00:00.001Z', NOW.getTime(), true]],
  within_last_days: [[daysAgo(1), 7, true], [daysAgo(8), 7, false], [daysAgo(7), 7, true], [NOW.toISOString(), 0, true], [daysAgo(-1), 7, false], [NOW.getTime() - DAY, '2', true]],
  array_contains: [[[1, 2, 3], 2, true], [[1, 2], 3, false], [[{ id: 1 }], { id: 1 }, true], [['1'], 1, true], [[], 'a', false]],
  array_not_contains: [[[1, 2], 3, true], [[1, 2], 2, false]],
  length_eq: [[[1, 2], 2, true], [[1], 2, false], ['abc', 3, true], [[], '0', true]],
  length_gt: [[[1, 2, 3], 2, true], [[1], 2, false], [[1, 2], 2, false]],
  length_lt: [[[1], 2, true], [[1, 2], 2, false], ['', 1, true]],
  exists: [[0, undefined, true], ['', undefined, true], [false, undefined, true], [[], undefined, true], [null, undefined, false], [undefined, undefined, false]],
  not_exists: [[null, undefined, true], [undefined, undefined, true], [0, undefined, false], ['x', undefined, false]],
};

describe('rule engine', () => {
  describe('operators', () => {
    for (const operator of OPERATORS) {
      it(`${operator} is true and false where it should be`, () => {
        const outcomes = cases[operator].map(([left, right, expected, extra]) => {
          expect(holds(rule(operator, left, right, extra)), `${operator} ${JSON.stringify(left)} ${JSON.stringify(right)}`).to.equal(expected);
          return expected;
        });
        expect(outcomes).to.include(true).and.to.include(false);
      });
    }

    it('reads date-times without an offset as UTC, with a T or a space', () => {
      expect(holds(rule('before', '2024-06-15T11:59', NOW.toISOString()))).to.equal(true);
      expect(holds(rule('after', '2024-06-15 12:00:01', NOW.getTime()))).to.equal(true);
      expect(holds(rule('before', '2024-06-15T13:59:59+0200', '2024-06-15t12:00z'))).to.equal(true);
      expect(() => holds(rule('before', '2024-13-01', NOW.getTime()))).to.throw(NodeError, /"2024-13-01" \(text\)/);
    });

    it('uses the current time when no `now` is given', () => {
      expect(evaluateRules({ rules: [rule('within_last_days', new Date(Date.now() - 1000).toISOString(), 1)] })).to.equal(true);
      expect(evaluateRules({ rules: [rule('within_last_days', daysAgo(2), 1)] })).to.equal(false);
    });
  });

  describe('case sensitivity', () => {
    const both = (operator: Operator, left: unknown, right: unknown) => [
      holds(rule(operator, left, right)),
      holds(rule(operator, left, right, { caseSensitive: false })),
    ];
    it('is case-sensitive by default and not with caseSensitive: false', () => {
      expect(both('equals', 'ABC', 'abc')).to.deep.equal([false, true]);
      expect(both('not_equals', 'ABC', 'abc')).to.deep.equal([true, false]);
      expect(both('contains', 'Hello World', 'WORLD')).to.deep.equal([false, true]);
      expect(both('not_contains', 'Hello', 'HELL')).to.deep.equal([true, false]);
      expect(both('starts_with', 'Hello', 'hE')).to.deep.equal([false, true]);
      expect(both('ends_with', 'Hello', 'LLO')).to.deep.equal([false, true]);
      expect(both('matches_regex', 'Order-1', '^order-\\d$')).to.deep.equal([false, true]);
      expect(both('array_contains', ['Gold', 'Silver'], 'gold')).to.deep.equal([false, true]);
    });
  });

  describe('groups', () => {
    const yes = rule('exists', 1);
    const no = rule('exists', null);
    const invalid = rule('gt', 'abc', 5);

    it('combines with and (the default) and or', () => {
      expect(evaluateRules({ rules: [yes, yes] })).to.equal(true);
      expect(evaluateRules({ rules: [yes, no] })).to.equal(false);
      expect(evaluateRules({ combinator: 'and', rules: [yes, no] })).to.equal(false);
      expect(evaluateRules({ combinator: 'or', rules: [no, yes] })).to.equal(true);
      expect(evaluateRules({ combinator: 'or', rules: [no, no] })).to.equal(false);
    });

    it('treats an empty and as true and an empty or as false', () => {
      expect(evaluateRules({ rules: [] })).to.equal(true);
      expect(evaluateRules({ combinator: 'or', rules: [] })).to.equal(false);
    });

    it('nests three levels deep', () => {
      // (a AND (b OR c)) OR d
      const tree = (a: Rule, b: Rule, c: Rule, d: Rule): RuleGroup => ({
        combinator: 'or',
        rules: [{ combinator: 'and', rules: [a, { combinator: 'or', rules: [b, c] }] }, d],
      });
      expect(evaluateRules(tree(yes, no, yes, no))).to.equal(true);
      expect(evaluateRules(tree(yes, no, no, no))).to.equal(false);
      expect(evaluateRules(tree(no, yes, yes, no))).to.equal(false);
      expect(evaluateRules(tree(no, no, no, yes))).to.equal(true);
    });

    it('short-circuits: rules after a decided or/and are not evaluated', () => {
      expect(evaluateRules({ combinator: 'or', rules: [yes, invalid] })).to.equal(true);
      expect(evaluateRules({ combinator: 'and', rules: [no, invalid] })).to.equal(false);
      expect(evaluateRules({ combinator: 'or', rules: [{ rules: [yes] }, { rules: [invalid] }] })).to.equal(true);
      expect(() => evaluateRules({ combinator: 'or', rules: [no, invalid] })).to.throw(NodeError);
    });
  });

  describe('errors', () => {
    const message = (r: Rule) => ruleError({ rules: [r] });

    it('names the rule path, the operator and the values with their types', () => {
      const text = ruleError({ rules: [rule('exists', 1), { combinator: 'or', rules: [rule('gt', 'abc', 5)] }] });
      expect(text).to.equal(
        'Rule rules[1].rules[0] ("gt") compares numbers, but got "abc" (text) and 5 (number). Both values must be numbers (text made of digits such as "42" also works).',
      );
    });

    it('refuses booleans and missing values as numbers', () => {
      expect(message(rule('eq', true, 1))).to.include('true (true/false) and 1 (number)');
      expect(message(rule('lt', undefined, 1))).to.include('nothing (missing) and 1 (number)');
      expect(message(rule('gte', null, 1))).to.include('null (empty)');
      expect(message(rule('eq', '0x10', 16))).to.include('"0x10" (text)');
    });

    it('refuses values that are not dates', () => {
      const text = message(rule('before', 'not a date', '2024-01-01'));
      expect(text).to.match(/^Rule rules\[0\] \("before"\) compares dates, but got "not a date" \(text\) and "2024-01-01" \(text\)\. Dates must be ISO 8601/);
      expect(message(rule('after', '2024-02-30', '2024-01-01'))).to.include('"2024-02-30" (text)');
      expect(message(rule('after', '42', '2024-01-01'))).to.include('"42" (text)');
      expect(message(rule('before', true, '2024-01-01'))).to.include('true (true/false)');
    });

    it('refuses bad within_last_days values', () => {
      expect(message(rule('within_last_days', daysAgo(1), -1))).to.include('-1 (number)');
      expect(message(rule('within_last_days', 'yesterday', 1))).to.include('"yesterday" (text)');
    });

    it('refuses lists and objects in text operators', () => {
      expect(message(rule('contains', { a: 1 }, 'a'))).to.include('{"a":1} (object) and "a" (text)');
      expect(message(rule('starts_with', 'abc', ['a']))).to.include('["a"] (list)');
      expect(message(rule('ends_with', 'abc', undefined))).to.include('nothing (missing)');
    });

    it('reports a regular expression that does not compile', () => {
      const text = message(rule('matches_regex', 'abc', '(unclosed'));
      expect(text).to.match(/^Rule rules\[0\] \("matches_regex"\) has a regular expression that does not compile: "\(unclosed" \(text\): .+\. Fix the pattern/);
      expect(message(rule('matches_regex', 'abc', 5))).to.include('5 (number)');
    });

    it('refuses length and list operators on values that are not lists', () => {
      expect(message(rule('length_gt', 5, 2))).to.include('5 (number) and 2 (number)');
      expect(message(rule('length_eq', [1], 'two'))).to.include('"two" (text)');
      expect(message(rule('array_contains', 'abc', 'a'))).to.equal('Rule rules[0] ("array_contains") looks inside a list, but the left value is "abc" (text). The left value must be a list.');
      expect(message(rule('array_not_contains', { a: 1 }, 'a'))).to.include('{"a":1} (object)');
    });

    it('refuses a between without a valid upper bound or with swapped bounds', () => {
      expect(message(rule('between', 5, 1))).to.include('needs an upper bound that is a number, but got nothing (missing)');
      expect(message(rule('between', 5, 10, { rightTo: 1 }))).to.include('lower bound 10 greater than its upper bound 1');
      expect(message(rule('between', 'x', 1, { rightTo: 2 }))).to.include('"x" (text)');
    });

    it('refuses non-boolean values for is_true and is_false', () => {
      expect(message(rule('is_true', 'yes'))).to.include('"yes" (text)');
      expect(message(rule('is_false', 0))).to.include('0 (number)');
    });

    it('shortens long values', () => {
      expect(message(rule('gt', 'x'.repeat(200), 1))).to.include(`"${'x'.repeat(56)}... (text)`);
    });

    it('refuses an unknown operator and a group without rules when called without validation', () => {
      expect(message({ operator: 'bigger' as Operator, left: 1 })).to.include('unknown operator "bigger" (text)');
      expect(message({ operator: 'toString' as Operator, left: 1 })).to.include('unknown operator');
      expect(ruleError({ rules: [{ combinator: 'or' } as RuleGroup] })).to.equal('The rule group rules[0] has no list of rules.');
    });
  });

  describe('schema', () => {
    const validate = compile(ruleGroupSchema);
    const nested = { combinator: 'or', rules: [{ left: 1, operator: 'gt', right: 0 }, { rules: [{ rules: [{ left: 'a', operator: 'exists' }] }] }] };

    it('compiles and accepts groups nested to any depth, filling defaults', () => {
      const group = structuredClone(nested);
      expect(validate(group), JSON.stringify(validate.errors)).to.equal(true);
      expect(group.rules[0]).to.deep.include({ caseSensitive: true });
      expect(group.rules[1]).to.deep.include({ combinator: 'and' });
    });

    it('rejects an unknown operator with the path of the rule', () => {
      const group = { rules: [{ rules: [{ left: 1, operator: 'bigger', right: 0 }] }] };
      expect(validate(group)).to.equal(false);
      expect(toDetails(validate.errors).map((d) => d.path)).to.include('/rules/0/rules/0/operator');
    });

    it('rejects a missing rules list and unknown properties', () => {
      expect(validate({ combinator: 'and' })).to.equal(false);
      expect(validate({ rules: [{ combinator: 'or' }] })).to.equal(false);
      expect(validate({ rules: [{ operator: 'exists', extra: 1 }] })).to.equal(false);
      expect(validate({ rules: [], combinator: 'xor' })).to.equal(false);
    });

    it('resolves its refs when embedded in a node config', () => {
      const config = compile(condition.configSchema);
      expect(config({ rules: structuredClone(nested) })).to.equal(true);
      expect(config({})).to.equal(false);
      expect(toDetails(config.errors)).to.deep.equal([{ path: '/rules', message: 'is required' }]);
      expect(config({ rules: { rules: [{ operator: 'bigger' }] } })).to.equal(false);
    });
  });
});

describe('logic nodes', () => {
  const context = (config: unknown, input: unknown) =>
    ({
      config,
      input,
      log: () => undefined,
      signal: new AbortController().signal,
      execution: { id: 'e1', flowId: 'f1', subaccountId: 's1' },
      idempotencyKey: 'k1',
      nodeId: 'n1',
      attempt: 1,
    }) as never;
  const input = { order: { total: 120, tags: ['vip'] } };

  describe('logic.condition', () => {
    const run = (rules: RuleGroup) => condition.run(context({ rules }, input));

    it('emits the input unchanged on true or on false', async () => {
      const yes = (await run({ rules: [rule('gt', 120, 100)] })) as Record<string, unknown>;
      expect(Object.keys(yes)).to.deep.equal(['true']);
      expect(yes.true).to.equal(input);
      expect(await run({ rules: [rule('gt', 80, 100)] })).to.deep.equal({ false: input });
    });

    it('is a pure node with static ports', () => {
      expect(condition).to.include({ type: 'logic.condition', category: 'Logic', pure: true });
      expect(outputsOf(condition as AnyNodeDefinition, {})).to.deep.equal(['true', 'false']);
    });

    it('lets invalid rules fail the step', () => {
      expect(() => run({ rules: [rule('gt', 'abc', 5)] })).to.throw(NodeError, /rules\[0\]/);
    });
  });

  describe('logic.switch', () => {
    const vip = { port: 'vip', rules: { rules: [rule('array_contains', ['vip'], 'vip')] } };
    const big = { port: 'big-order', rules: { rules: [rule('gt', 120, 100)] } };
    const none = { port: 'none_1', rules: { combinator: 'or' as const, rules: [rule('lt', 120, 0)] } };
    const run = (cases: unknown[]) => switchNode.run(context({ cases }, input));

    it('emits on the first case that matches', async () => {
      expect(await run([none, vip, big])).to.deep.equal({ vip: input });
      expect(await run([big, vip])).to.deep.equal({ 'big-order': input });
    });

    it('emits on default when no case matches', async () => {
      expect(await run([none])).to.deep.equal({ default: input });
    });

    it('derives its ports from the config', () => {
      expect(outputsOf(switchNode as AnyNodeDefinition, { cases: [vip, big] })).to.deep.equal(['vip', 'big-order', 'default']);
      expect(switchNode.outputsDescription).to.be.a('string').and.not.empty;
      expect(switchNode.pure).to.equal(true);
    });

    it('refuses two cases with the same port, even when an earlier case matches', () => {
      const err = errorOf(() => run([vip, none, { ...big, port: 'none_1' }]));
      expect(err.code).to.equal('invalid_config');
      expect(err.message).to.equal('Two cases use the port "none_1". Give each case its own port name.');
    });

    it('validates ports and the number of cases', () => {
      const validate = compile(switchNode.configSchema);
      expect(validate({ cases: [vip, big] })).to.equal(true);
      expect(validate({ cases: [] })).to.equal(false);
      expect(validate({ cases: Array.from({ length: 51 }, (_, i) => ({ ...vip, port: `p${i}` })) })).to.equal(false);
      expect(validate({ cases: [{ ...vip, port: 'default' }] })).to.equal(false);
      expect(validate({ cases: [{ ...vip, port: 'has space' }] })).to.equal(false);
      expect(validate({ cases: [{ ...vip, port: 'x'.repeat(41) }] })).to.equal(false);
      expect(validate({ cases: [{ port: 'a' }] })).to.equal(false);
    });
  });
});
