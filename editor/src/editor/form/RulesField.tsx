import type { FieldProps } from '@rjsf/utils';
import { addGroup, addRule, isGroup, newGroup, operatorInfo, operatorsOf, OPERAND_TYPES, removeAt, setCombinator, updateRule, type OperandType, type RuleGroupModel, type RuleModel, type RulePath } from '../../lib/rules';
import { ExpressionInput } from './ExpressionInput';

/** The rule builder: nested and/or groups of typed rules (condition and switch cases). */
export function RulesField(props: FieldProps) {
  const { formData, onChange, disabled, readonly, fieldPathId, schema, name } = props;
  const root: RuleGroupModel = formData && Array.isArray((formData as RuleGroupModel).rules) ? (formData as RuleGroupModel) : newGroup();
  const locked = !!(disabled || readonly);
  const set = (next: RuleGroupModel) => onChange(next, fieldPathId.path);
  return (
    <fieldset className="rules" aria-label={schema.title ?? name ?? 'Rules'}>
      <legend>{schema.title && schema.title !== 'Rules' ? schema.title : 'Rules'}</legend>
      <Group group={root} path={[]} root={root} set={set} locked={locked} />
    </fieldset>
  );
}

function Group({ group, path, root, set, locked }: { group: RuleGroupModel; path: RulePath; root: RuleGroupModel; set(next: RuleGroupModel): void; locked: boolean }) {
  const depth = path.length;
  return (
    <div className="rule-group" data-depth={depth} role="group" aria-label={depth ? `Group ${path.join('.')}` : 'All rules'}>
      <div className="rule-group-head">
        <select aria-label="Combine with" value={group.combinator ?? 'and'} disabled={locked} onChange={(e) => set(setCombinator(root, path, e.target.value as 'and' | 'or'))}>
          <option value="and">All of (and)</option>
          <option value="or">Any of (or)</option>
        </select>
        {depth > 0 && !locked && (
          <button type="button" className="link" onClick={() => set(removeAt(root, path))}>
            Remove group
          </button>
        )}
      </div>
      {group.rules.map((item, i) =>
        isGroup(item) ? (
          <Group key={i} group={item} path={[...path, i]} root={root} set={set} locked={locked} />
        ) : (
          <Rule key={i} rule={item} path={[...path, i]} root={root} set={set} locked={locked} />
        ),
      )}
      {!locked && (
        <div className="rule-group-actions">
          <button type="button" onClick={() => set(addRule(root, path))}>
            + Rule
          </button>
          <button type="button" onClick={() => set(addGroup(root, path))}>
            + Group
          </button>
        </div>
      )}
    </div>
  );
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

function Rule({ rule, path, root, set, locked }: { rule: RuleModel; path: RulePath; root: RuleGroupModel; set(next: RuleGroupModel): void; locked: boolean }) {
  const info = operatorInfo(rule.operator);
  const update = (patch: Partial<RuleModel>) => set(updateRule(root, path, patch));
  const label = `Rule ${path.map((i) => i + 1).join('.')}`;
  return (
    <div className="rule" role="group" aria-label={label}>
      <ExpressionInput label={`${label} value`} placeholder="{{ $json.field }}" value={text(rule.left)} disabled={locked} onChange={(v) => update({ left: v })} />
      <select aria-label={`${label} type`} value={info.type} disabled={locked} onChange={(e) => update({ operator: operatorsOf(e.target.value as OperandType)[0].value })}>
        {OPERAND_TYPES.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <select aria-label={`${label} operator`} value={rule.operator} disabled={locked} onChange={(e) => update({ operator: e.target.value })}>
        {operatorsOf(info.type).map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {info.operands >= 1 && <ExpressionInput label={`${label} compare with`} value={text(rule.right)} disabled={locked} onChange={(v) => update({ right: v })} />}
      {info.operands >= 2 && <ExpressionInput label={`${label} up to`} value={text(rule.rightTo)} disabled={locked} onChange={(v) => update({ rightTo: v })} />}
      {!locked && (
        <button type="button" className="link" aria-label={`Remove ${label.toLowerCase()}`} onClick={() => set(removeAt(root, path))}>
          ✕
        </button>
      )}
    </div>
  );
}
