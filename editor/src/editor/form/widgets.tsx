import type { FieldProps, WidgetProps } from '@rjsf/utils';
import { useEffect, useState } from 'react';
import { messageOf } from '../../api/client';
import { ExpressionInput } from './ExpressionInput';

export interface FormContext {
  sid: string;
  /** The integration template the node takes credentials from. */
  template?: string;
  /** The whole config, for fields that depend on a sibling (options need integrationId; stages their pipeline). */
  config?: Record<string, unknown>;
  /** The node's type, for choices that depend on it (an opportunity node's custom fields are the opportunity ones). */
  nodeType?: string;
}

/** Every text field accepts expressions. */
export function ExpressionWidget(props: WidgetProps) {
  const { id, value, onChange, disabled, readonly, label, schema } = props;
  return (
    <ExpressionInput
      id={id}
      label={label}
      value={value === undefined || value === null ? '' : String(value)}
      disabled={disabled || readonly}
      multiline={(schema.maxLength ?? 0) > 200}
      onChange={(v) => onChange(v === '' ? undefined : v)}
    />
  );
}

/** Any JSON value (e.g. the value a Set node builds), edited as text; strings inside may hold expressions. */
export function JsonField(props: FieldProps) {
  const { formData, onChange, disabled, readonly, schema, name, fieldPathId } = props;
  const [text, setText] = useState(() => JSON.stringify(formData ?? null, null, 2));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    // Follow outside changes (undo) unless they are what the text already says.
    try {
      if (JSON.stringify(JSON.parse(text)) === JSON.stringify(formData ?? null)) return;
    } catch {
      // the text is mid-edit
    }
    setText(JSON.stringify(formData ?? null, null, 2));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [formData]);
  const id = fieldPathId.$id;
  return (
    <div className="json-field">
      <label htmlFor={id}>{schema.title ?? name}</label>
      {schema.description && <p className="field-description">{schema.description}</p>}
      <textarea
        id={id}
        rows={6}
        spellCheck={false}
        value={text}
        disabled={disabled || readonly}
        onChange={(e) => {
          setText(e.target.value);
          try {
            const value = JSON.parse(e.target.value);
            setError(null);
            onChange(value, fieldPathId.path);
          } catch (err) {
            setError(`Not JSON yet: ${messageOf(err)}`);
          }
        }}
      />
      {error && <p className="error">{error}</p>}
    </div>
  );
}
