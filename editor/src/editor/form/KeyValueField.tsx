import type { FieldProps } from '@rjsf/utils';
import { useEffect, useState } from 'react';
import { objectToRows, rowsToObject } from '../../lib/option-hints';
import { ExpressionInput } from './ExpressionInput';
import { useChoices } from './OptionsWidget';
import type { FormContext } from './widgets';

type Row = { key: string; value: string };

/**
 * An object keyed by the service's names (GoHighLevel custom fields by key): rows of a key, offered from the
 * option loader once an integration is chosen (any key can be typed), and a value that takes expressions.
 */
export function KeyValueField(props: FieldProps) {
  const { formData, onChange, disabled, readonly, schema, name, fieldPathId, uiSchema, registry } = props;
  const { sid, config = {}, nodeType } = registry.formContext as FormContext;
  const keySource = String((uiSchema?.['ui:options'] as { keySource?: string } | undefined)?.keySource ?? '');
  const { choices, loading, error } = useChoices(sid, config.integrationId, keySource, nodeType);
  const [rows, setRows] = useState<Row[]>(() => objectToRows(formData));
  // Follow outside changes (undo) unless they are what the rows already say.
  useEffect(() => {
    if (JSON.stringify(rowsToObject(rows) ?? {}) !== JSON.stringify(formData ?? {})) setRows(objectToRows(formData));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [formData]);
  const off = disabled || readonly;
  const id = fieldPathId.$id;
  const update = (next: Row[]) => {
    setRows(next);
    onChange(rowsToObject(next), fieldPathId.path);
  };
  const label = schema.title ?? name;
  return (
    <fieldset className="key-value" id={id} aria-label={label}>
      <legend>{label}</legend>
      {schema.description && <p className="field-description">{schema.description}</p>}
      <datalist id={`${id}-keys`}>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </datalist>
      {rows.map((row, i) => (
        <div className="options-row" key={i}>
          <input
            aria-label={`${label} ${i + 1} key`}
            list={`${id}-keys`}
            value={row.key}
            disabled={off}
            placeholder={loading ? 'Loading…' : 'Key'}
            onChange={(e) => update(rows.map((r, j) => (j === i ? { ...r, key: e.target.value } : r)))}
          />
          <ExpressionInput label={`${label} ${i + 1} value`} value={row.value} disabled={off} onChange={(v) => update(rows.map((r, j) => (j === i ? { ...r, value: v } : r)))} />
          {!off && (
            <button type="button" aria-label={`Remove ${label} ${i + 1}`} onClick={() => update(rows.filter((_, j) => j !== i))}>
              ×
            </button>
          )}
        </div>
      ))}
      {!off && (
        <button type="button" onClick={() => setRows([...rows, { key: '', value: '' }])}>
          + Add {label.toLowerCase().replace(/s$/, '')}
        </button>
      )}
      {error && <p className="hint error">Could not load the keys: {error}</p>}
    </fieldset>
  );
}
