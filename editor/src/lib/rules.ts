import { produce } from 'immer';

// The rule builder's model (condition and switch): a group of rules and nested groups, combined with
// and/or, over typed operators. Same shape as the server's nodes/logic/rules.ts.

export interface RuleModel {
  left?: unknown;
  operator: string;
  right?: unknown;
  rightTo?: unknown;
  caseSensitive?: boolean;
}

export interface RuleGroupModel {
  combinator?: 'and' | 'or';
  rules: Array<RuleModel | RuleGroupModel>;
}

export type OperandType = 'text' | 'number' | 'date' | 'boolean' | 'list' | 'any';

export interface OperatorInfo {
  value: string;
  label: string;
  type: OperandType;
  /** How many values it compares with: 0 (is empty), 1, or 2 (between). */
  operands: 0 | 1 | 2;
}

export const OPERATORS: OperatorInfo[] = [
  { value: 'equals', label: 'equals', type: 'text', operands: 1 },
  { value: 'not_equals', label: 'does not equal', type: 'text', operands: 1 },
  { value: 'contains', label: 'contains', type: 'text', operands: 1 },
  { value: 'not_contains', label: 'does not contain', type: 'text', operands: 1 },
  { value: 'starts_with', label: 'starts with', type: 'text', operands: 1 },
  { value: 'ends_with', label: 'ends with', type: 'text', operands: 1 },
  { value: 'matches_regex', label: 'matches regex', type: 'text', operands: 1 },
  { value: 'is_empty', label: 'is empty', type: 'text', operands: 0 },
  { value: 'is_not_empty', label: 'is not empty', type: 'text', operands: 0 },
  { value: 'eq', label: '=', type: 'number', operands: 1 },
  { value: 'ne', label: '≠', type: 'number', operands: 1 },
  { value: 'lt', label: '<', type: 'number', operands: 1 },
  { value: 'lte', label: '≤', type: 'number', operands: 1 },
  { value: 'gt', label: '>', type: 'number', operands: 1 },
  { value: 'gte', label: '≥', type: 'number', operands: 1 },
  { value: 'between', label: 'between', type: 'number', operands: 2 },
  { value: 'is_true', label: 'is true', type: 'boolean', operands: 0 },
  { value: 'is_false', label: 'is false', type: 'boolean', operands: 0 },
  { value: 'before', label: 'is before', type: 'date', operands: 1 },
  { value: 'after', label: 'is after', type: 'date', operands: 1 },
  { value: 'within_last_days', label: 'within the last … days', type: 'date', operands: 1 },
  { value: 'array_contains', label: 'list contains', type: 'list', operands: 1 },
  { value: 'array_not_contains', label: 'list does not contain', type: 'list', operands: 1 },
  { value: 'length_eq', label: 'length =', type: 'list', operands: 1 },
  { value: 'length_gt', label: 'length >', type: 'list', operands: 1 },
  { value: 'length_lt', label: 'length <', type: 'list', operands: 1 },
  { value: 'exists', label: 'exists', type: 'any', operands: 0 },
  { value: 'not_exists', label: 'does not exist', type: 'any', operands: 0 },
];

export const OPERAND_TYPES: OperandType[] = ['text', 'number', 'date', 'boolean', 'list', 'any'];

const byValue = new Map(OPERATORS.map((o) => [o.value, o]));
export const operatorInfo = (operator: string): OperatorInfo => byValue.get(operator) ?? { value: operator, label: operator, type: 'any', operands: 1 };
export const operatorsOf = (type: OperandType): OperatorInfo[] => OPERATORS.filter((o) => o.type === type);

export const isGroup = (item: RuleModel | RuleGroupModel): item is RuleGroupModel => !('operator' in item) && Array.isArray((item as RuleGroupModel).rules);

export const newRule = (): RuleModel => ({ left: '', operator: 'equals', right: '' });
export const newGroup = (): RuleGroupModel => ({ combinator: 'and', rules: [newRule()] });

/** Path of indices from the root group to a rule or group. */
export type RulePath = number[];

function groupAt(root: RuleGroupModel, path: RulePath): RuleGroupModel {
  let group = root;
  for (const i of path) {
    const next = group.rules[i];
    if (!next || !isGroup(next)) throw new Error(`no group at ${path.join('/')}`);
    group = next;
  }
  return group;
}

export const addRule = (root: RuleGroupModel, groupPath: RulePath): RuleGroupModel =>
  produce(root, (d) => {
    groupAt(d as RuleGroupModel, groupPath).rules.push(newRule());
  });

export const addGroup = (root: RuleGroupModel, groupPath: RulePath): RuleGroupModel =>
  produce(root, (d) => {
    groupAt(d as RuleGroupModel, groupPath).rules.push(newGroup());
  });

export const removeAt = (root: RuleGroupModel, path: RulePath): RuleGroupModel =>
  produce(root, (d) => {
    groupAt(d as RuleGroupModel, path.slice(0, -1)).rules.splice(path.at(-1)!, 1);
  });

export const setCombinator = (root: RuleGroupModel, groupPath: RulePath, combinator: 'and' | 'or'): RuleGroupModel =>
  produce(root, (d) => {
    groupAt(d as RuleGroupModel, groupPath).combinator = combinator;
  });

/** Changes one rule; switching to an operator that takes fewer values drops the ones it no longer reads. */
export const updateRule = (root: RuleGroupModel, path: RulePath, patch: Partial<RuleModel>): RuleGroupModel =>
  produce(root, (d) => {
    const group = groupAt(d as RuleGroupModel, path.slice(0, -1));
    const rule = group.rules[path.at(-1)!] as RuleModel;
    Object.assign(rule, patch);
    const { operands } = operatorInfo(rule.operator);
    if (operands < 1) delete rule.right;
    if (operands < 2) delete rule.rightTo;
  });

const operand = (value: unknown): string => (typeof value === 'string' ? value.replace(/^\{\{\s*|\s*\}\}$/g, '') : JSON.stringify(value));

/** The rules in one line: "$json.body.email is not empty and (a > 1 or …)". */
export function describeRules(group: RuleGroupModel, nested = false): string {
  const parts = (group.rules ?? []).map((item) => {
    if (isGroup(item)) return describeRules(item, true);
    const info = operatorInfo(item.operator);
    const values = info.operands === 2 ? ` ${operand(item.right)} and ${operand(item.rightTo)}` : info.operands === 1 ? ` ${operand(item.right)}` : '';
    return `${operand(item.left ?? '')} ${info.label}${values}`;
  });
  const text = parts.join(` ${group.combinator ?? 'and'} `);
  return nested && parts.length > 1 ? `(${text})` : text;
}
