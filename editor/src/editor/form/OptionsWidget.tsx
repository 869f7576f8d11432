import type { WidgetProps } from '@rjsf/utils';
import { useEffect, useState } from 'react';
import { api, messageOf } from '../../api/client';
import { choicesFor, emptyReason, isExpression, loaderParams, withCurrent, type Choice, type OptionHint } from '../../lib/option-hints';
import { ExpressionInput } from './ExpressionInput';
import type { FormContext } from './widgets';
import '../../styles/integrations.css';

// One request per integration and loader while the editor is open (the server caches briefly too).
const loaded = new Map<string, Promise<Choice[]>>();
const loadChoices = (sid: string, integrationId: string, source: string, query: string): Promise<Choice[]> => {
  const key = `${sid}/${integrationId}/${source}?${query}`;
  let choices = loaded.get(key);
  if (!choices) {
    choices = api<Choice[]>('GET', `/api/subaccounts/${sid}/integrations/${encodeURIComponent(integrationId)}/options/${encodeURIComponent(source)}${query ? `?${query}` : ''}`);
    loaded.set(key, choices);
    choices.catch(() => loaded.delete(key));
  }
  return choices;
};

/** The choices of an option loader for the chosen integration (none until one is chosen). */
export function useChoices(sid: string, integrationId: unknown, source: string, nodeType?: string): { choices: Choice[]; loading: boolean; error: string | null } {
  const [state, setState] = useState<{ key: string; choices: Choice[]; error: string | null } | null>(null);
  const id = typeof integrationId === 'string' && integrationId && !isExpression(integrationId) ? integrationId : null;
  const query = new URLSearchParams(loaderParams(source, nodeType)).toString();
  const key = id ? `${id}/${source}?${query}` : '';
  useEffect(() => {
    if (!id) return;
    let live = true;
    loadChoices(sid, id, source, query).then(
      (choices) => live && setState({ key, choices: Array.isArray(choices) ? choices : [], error: null }),
      (err) => live && setState({ key, choices: [], error: messageOf(err) }),
    );
    return () => {
      live = false;
    };
  }, [sid, id, source, query, key]);
  const current = state?.key === key ? state : null;
  return { choices: current?.choices ?? [], loading: !!id && !current, error: current?.error ?? null };
}

/**
 * A field whose choices come from an option loader (`x-ui: {widget: 'options', source}`): a select fed by
 * the node's integration once one is chosen; typing an id or an expression stays possible.
 */
export function OptionsWidget(props: WidgetProps) {
  const { id, value, onChange, disabled, readonly, label, options, registry } = props;
  const hint = options as unknown as OptionHint;
  const { sid, config = {}, nodeType } = registry.formContext as FormContext;
  const { choices: all, loading, error } = useChoices(sid, config.integrationId, hint.source, nodeType);
  const choices = choicesFor(hint, all, config);
  const [typing, setTyping] = useState(() => isExpression(value));
  const off = disabled || readonly;

  if (hint.multiple) return <MultiOptions {...props} choices={choices} loading={loading} error={error} hint={hint} config={config} />;
  const reason = loading ? null : emptyReason(hint, config.integrationId, config, choices);
  const typed = typing || (!loading && !choices.length);
  return (
    <div className="options-field" data-options={hint.source}>
      <div className="options-row">
        {typed ? (
          <ExpressionInput id={id} label={label} value={value ?? ''} disabled={off} onChange={(v) => onChange(v === '' ? undefined : v)} />
        ) : (
          <select id={id} aria-label={label} value={value ?? ''} disabled={off} onChange={(e) => onChange(e.target.value || undefined)}>
            <option value="">{loading ? 'Loading…' : `Choose ${label?.toLowerCase() ?? 'one'}`}</option>
            {withCurrent(choices, value).map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        )}
        {choices.length > 0 && !off && (
          <button type="button" className="link" onClick={() => setTyping(!typing)}>
            {typing ? 'Pick from the list' : 'Type a value'}
          </button>
        )}
      </div>
      {error ? <p className="hint error">Could not load the choices: {error}</p> : reason && <p className="hint">{reason}</p>}
    </div>
  );
}

/** Several values (tags): chips, a list to add from, and free text for names not in the list yet. */
function MultiOptions({ id, value, onChange, disabled, readonly, label, choices, loading, error, hint, config }: WidgetProps & { choices: Choice[]; loading: boolean; error: string | null; hint: OptionHint; config: Record<string, unknown> }) {
  const values: string[] = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  const [text, setText] = useState('');
  const off = disabled || readonly;
  const add = (v: string) => {
    const next = v.trim();
    if (next && !values.includes(next)) onChange([...values, next]);
    setText('');
  };
  const listId = `${id}-choices`;
  const reason = loading ? 'Loading…' : emptyReason(hint, config.integrationId, config, choices);
  return (
    <div className="options-field" data-options={hint.source}>
      <div className="chips" aria-label={`${label ?? 'Values'} chosen`}>
        {values.map((v) => (
          <span key={v} className="chip">
            {v}
            {!off && (
              <button type="button" aria-label={`Remove ${v}`} onClick={() => onChange(values.filter((x) => x !== v).length ? values.filter((x) => x !== v) : undefined)}>
                ×
              </button>
            )}
          </span>
        ))}
      </div>
      {!off && (
        <div className="options-row">
          <input
            id={id}
            aria-label={`Add ${label?.toLowerCase() ?? 'a value'}`}
            list={listId}
            value={text}
            placeholder="Pick from the list or type, then Enter"
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add(text);
              }
            }}
          />
          <datalist id={listId}>
            {choices
              .filter((c) => !values.includes(c.value))
              .map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
          </datalist>
          <button type="button" onClick={() => add(text)} disabled={!text.trim()}>
            Add
          </button>
        </div>
      )}
      {error ? <p className="hint error">Could not load the choices: {error}</p> : reason && <p className="hint">{reason}</p>}
    </div>
  );
}
