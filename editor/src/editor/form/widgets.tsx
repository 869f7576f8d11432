import type { FieldProps, WidgetProps } from '@rjsf/utils';
import { useEffect, useRef, useState } from 'react';
import { messageOf } from '../../api/client';
import { useExpressionAssist } from './expression-assist';
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

/**
 * Any JSON value (e.g. the value a Set node builds), edited as text; strings inside may hold expressions,
 * completed and previewed like any expression field (the preview shows the whole value resolved).
 */
export function JsonField(props: FieldProps) {
  const { formData, onChange, disabled, readonly, schema, name, fieldPathId } = props;
  const [text, setText] = useState(() => JSON.stringify(formData ?? null, null, 2));
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLTextAreaElement>(null);
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
  const edit = (next: string) => {
    setText(next);
    try {
      const value = JSON.parse(next);
      setError(null);
      onChange(value, fieldPathId.path);
    } catch (err) {
      setError(`Not JSON yet: ${messageOf(err)}`);
    }
  };
  const off = disabled || readonly;
  const { inputProps, popup, live } = useExpressionAssist({ ref, value: text, onChange: edit, disabled: off, previewOf: error ? text : formData, json: true });
  const id = fieldPathId.$id;
  return (
    <div className="json-field expression">
      <label htmlFor={id}>{schema.title ?? name}</label>
      {schema.description && <p className="field-description">{schema.description}</p>}
      <span className="expression-field">
        <textarea id={id} ref={ref} rows={6} spellCheck={false} value={text} disabled={off} onChange={(e) => edit(e.target.value)} {...inputProps} />
        {popup}
      </span>
      {error && <p className="error">{error}</p>}
      {!error && live}
    </div>
  );
}
