import { useRef } from 'react';
import { segments } from '../../lib/expression';
import { EXPRESSION_DRAG_TYPE, useExpressionAssist } from './expression-assist';

export { EXPRESSION_DRAG_TYPE };

/**
 * A text input for values that may hold `{{ … }}` expressions: the expressions are highlighted under
 * it, completed as they are typed, previewed against the last run's data, and a field dragged from a
 * data viewer drops in as its expression where it is let go.
 */
export function ExpressionInput({ id, value, onChange, disabled, label, multiline, placeholder }: { id?: string; value: string; onChange(value: string): void; disabled?: boolean; label?: string; multiline?: boolean; placeholder?: string }) {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const { inputProps, popup, live } = useExpressionAssist({ ref, value, onChange, disabled });
  const parts = segments(value);
  const props = {
    id,
    ref,
    value,
    disabled,
    placeholder,
    'aria-label': label,
    className: 'expression-input',
    spellCheck: false,
    autoComplete: 'off',
    onChange: (e: { target: { value: string } }) => onChange(e.target.value),
    ...inputProps,
  };
  return (
    <span className="expression">
      <span className="expression-field">
        {multiline ? <textarea rows={3} {...props} /> : <input type="text" {...props} />}
        {popup}
      </span>
      {parts.some((p) => p.expression) && (
        <span className="expression-preview" aria-hidden>
          {parts.map((p, i) => (p.expression ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
        </span>
      )}
      {live}
    </span>
  );
}
