import { useId, useLayoutEffect, useRef, useState, type DragEvent, type RefObject } from 'react';
import { dropInto, hasExpression } from '../../lib/expression';
import { useNodeScope } from '../node-scope';
import { useCompletion } from './CompletionList';
import { LiveValueLine } from './LiveValue';
import '../../styles/expressions.css';

export const EXPRESSION_DRAG_TYPE = 'application/x-switchboard-expression';

type TextField = HTMLInputElement | HTMLTextAreaElement;

/** Where a drop lands in a text field: the character under the pointer, else its selection. */
function dropOffset(e: DragEvent, el: TextField): [number, number] {
  const doc = el.ownerDocument as Document & { caretPositionFromPoint?(x: number, y: number): { offsetNode: Node; offset: number } | null };
  const at = doc.caretPositionFromPoint?.(e.clientX, e.clientY);
  if (at && at.offsetNode === el) return [at.offset, at.offset];
  return [el.selectionStart ?? el.value.length, el.selectionEnd ?? el.value.length];
}

/** Replaces the field's text and puts the caret where the inserted text ends, once the new value is in. */
function useReplace(ref: RefObject<TextField | null>, value: string, onChange: (value: string) => void, setCaret: (caret: number) => void) {
  const pending = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (pending.current === null || !el || el.value !== value) return;
    el.setSelectionRange(pending.current, pending.current);
    setCaret(pending.current);
    pending.current = null;
  }, [value, ref, setCaret]);
  return (next: { text: string; caret: number }) => {
    pending.current = next.caret;
    onChange(next.text);
  };
}

export interface AssistOptions {
  ref: RefObject<TextField | null>;
  value: string;
  onChange(value: string): void;
  disabled?: boolean;
  /** The config value the field holds, for the live value (a JSON field's parsed value); the text by default. */
  previewOf?: unknown;
  /** The text is JSON: dropped expressions outside a string are quoted. */
  json?: boolean;
}

/**
 * Everything an expression field adds to a text input: completion of `$json`, `$trigger`, `$node.<id>`
 * and the last run's field paths inside `{{ }}`, the live value under it, and fields dropped from the
 * data viewers where they are let go.
 */
export function useExpressionAssist({ ref, value, onChange, disabled, previewOf, json }: AssistOptions) {
  const liveId = useId();
  const context = useNodeScope();
  const [caret, setCaret] = useState<number | null>(null);
  const replace = useReplace(ref, value, onChange, setCaret);
  const completion = useCompletion({ ref, value, context, caret, setCaret, replace, disabled });

  const onDrop = (e: DragEvent) => {
    const expression = e.dataTransfer.getData(EXPRESSION_DRAG_TYPE);
    const el = ref.current;
    if (!expression || disabled || !el) return;
    e.preventDefault();
    const [from, to] = dropOffset(e, el);
    el.focus();
    replace(dropInto(value, from, to, expression, json));
  };
  const inputProps = {
    ...completion.props,
    'aria-describedby': hasExpression(value) && context ? liveId : undefined,
    onDrop,
    onDragOver: (e: DragEvent) => e.dataTransfer.types.includes(EXPRESSION_DRAG_TYPE) && !disabled && e.preventDefault(),
  };
  const live = <LiveValueLine id={liveId} value={previewOf === undefined ? value : previewOf} watch={hasExpression(value)} />;
  return { inputProps, popup: completion.popup, live };
}
