import { useRef, type DragEvent } from 'react';
import { segments } from '../../lib/expression';

export const EXPRESSION_DRAG_TYPE = 'application/x-switchboard-expression';

/**
 * A text input for values that may hold `{{ … }}` expressions: the expressions are highlighted under
 * it, and a field dragged from the output viewer drops in as its expression at the caret.
 */
export function ExpressionInput({ id, value, onChange, disabled, label, multiline, placeholder }: { id?: string; value: string; onChange(value: string): void; disabled?: boolean; label?: string; multiline?: boolean; placeholder?: string }) {
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const parts = segments(value);
  const onDrop = (e: DragEvent) => {
    const expression = e.dataTransfer.getData(EXPRESSION_DRAG_TYPE);
    if (!expression || disabled) return;
    e.preventDefault();
    const el = ref.current;
    const at = el?.selectionStart ?? value.length;
    onChange(value.slice(0, at) + expression + value.slice(el?.selectionEnd ?? at));
  };
  const props = {
    id,
    ref,
    value,
    disabled,
    placeholder,
    'aria-label': label,
    className: 'expression-input',
    spellCheck: false,
    onChange: (e: { target: { value: string } }) => onChange(e.target.value),
    onDrop,
    onDragOver: (e: DragEvent) => e.dataTransfer.types.includes(EXPRESSION_DRAG_TYPE) && e.preventDefault(),
  };
  return (
    <span className="expression">
      {multiline ? <textarea rows={3} {...props} /> : <input type="text" {...props} />}
      {parts.some((p) => p.expression) && (
        <span className="expression-preview" aria-hidden>
          {parts.map((p, i) => (p.expression ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
        </span>
      )}
    </span>
  );
}
