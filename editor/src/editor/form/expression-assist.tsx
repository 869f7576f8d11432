import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type RefObject } from 'react';
import { applyCandidate, candidates, completionSpot, type Candidate } from '../../lib/completion';
import { dropInto, hasExpression } from '../../lib/expression';
import { formatLive, isPlainOnly, liveValue, type LiveValue } from '../../lib/live-value';
import { useNodeNames, useNodeScope } from '../node-scope';
import '../../styles/expressions.css';

export const EXPRESSION_DRAG_TYPE = 'application/x-switchboard-expression';

type TextField = HTMLInputElement | HTMLTextAreaElement;
const MAX_SHOWN = 50;
const DEBOUNCE_MS = 120;

/** Where a drop lands in a text field: the character under the pointer, else its selection. */
function dropOffset(e: DragEvent, el: TextField): [number, number] {
  const doc = el.ownerDocument as Document & { caretPositionFromPoint?(x: number, y: number): { offsetNode: Node; offset: number } | null };
  const at = doc.caretPositionFromPoint?.(e.clientX, e.clientY);
  if (at && at.offsetNode === el) return [at.offset, at.offset];
  return [el.selectionStart ?? el.value.length, el.selectionEnd ?? el.value.length];
}

/** The live value of a config value against the last run's data; null while there is no expression in it. */
function useLiveValue(value: unknown, watch: boolean): LiveValue | 'no-data' | null {
  const context = useNodeScope();
  const scope = context?.scope;
  const [result, setResult] = useState<LiveValue | null>(null);
  useEffect(() => {
    if (!watch || !scope) return setResult(null);
    let current = true;
    const run = () => void liveValue(value, scope).then((r) => current && setResult(r));
    // Plain paths are read at once; JSONata waits for a pause in the typing.
    const timer = isPlainOnly(value) ? (run(), undefined) : setTimeout(run, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [value, scope, watch]);
  if (!watch || !context) return null;
  return scope ? result : 'no-data';
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
 * and the last run's field paths inside `{{ }}` (an ARIA combobox: arrows, Enter or Tab, Escape), the
 * live value under it, and fields dropped from the data viewers.
 */
export function useExpressionAssist({ ref, value, onChange, disabled, previewOf, json }: AssistOptions) {
  const listId = useId();
  const liveId = useId();
  const context = useNodeScope();
  const nameOf = useNodeNames();
  const [caret, setCaret] = useState<number | null>(null);
  const [dismissed, setDismissed] = useState(false);
  const [active, setActive] = useState(0);
  const pendingCaret = useRef<number | null>(null);

  const spot = caret === null || !context ? null : completionSpot(value, caret);
  const list = useMemo(() => (spot && context ? candidates(spot.token, context, nameOf).slice(0, MAX_SHOWN) : []), [spot?.token, context, nameOf]);
  const open = !disabled && !dismissed && list.length > 0;
  const activeIndex = Math.min(active, list.length - 1);

  // After a completion or a drop, the caret goes where the inserted text ends, once the new value is in.
  useLayoutEffect(() => {
    const el = ref.current;
    if (pendingCaret.current === null || !el || el.value !== value) return;
    el.setSelectionRange(pendingCaret.current, pendingCaret.current);
    setCaret(pendingCaret.current);
    pendingCaret.current = null;
  }, [value, ref]);

  const replace = (next: { text: string; caret: number }) => {
    pendingCaret.current = next.caret;
    onChange(next.text);
  };
  const accept = (candidate: Candidate) => {
    if (!spot) return;
    replace(applyCandidate(value, spot, candidate));
    setActive(0);
  };
  const track = () => {
    const el = ref.current;
    setCaret(el && document.activeElement === el ? el.selectionStart : null);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === ' ' && e.ctrlKey) {
      e.preventDefault();
      setDismissed(false);
      return;
    }
    if (!open) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((activeIndex + (e.key === 'ArrowDown' ? 1 : list.length - 1)) % list.length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      accept(list[activeIndex]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      setDismissed(true);
    }
  };

  const onDrop = (e: DragEvent) => {
    const expression = e.dataTransfer.getData(EXPRESSION_DRAG_TYPE);
    const el = ref.current;
    if (!expression || disabled || !el) return;
    e.preventDefault();
    const [from, to] = dropOffset(e, el);
    el.focus();
    replace(dropInto(value, from, to, expression, json));
  };

  const optionId = (i: number) => `${listId}-${i}`;
  const inputProps = {
    role: 'combobox' as const,
    'aria-autocomplete': 'list' as const,
    'aria-expanded': open,
    'aria-controls': listId,
    'aria-activedescendant': open ? optionId(activeIndex) : undefined,
    'aria-describedby': hasExpression(value) && context ? liveId : undefined,
    onKeyDown,
    onSelect: track,
    onFocus: track,
    onBlur: () => setCaret(null),
    onInput: () => {
      setDismissed(false);
      setActive(0);
      track();
    },
    onDrop,
    onDragOver: (e: DragEvent) => e.dataTransfer.types.includes(EXPRESSION_DRAG_TYPE) && !disabled && e.preventDefault(),
  };

  const popup = (
    <ul id={listId} role="listbox" aria-label="Expression completions" className="completions" hidden={!open}>
      {open &&
        list.map((c, i) => (
          <li
            key={`${c.kind}:${c.label}`}
            id={optionId(i)}
            role="option"
            aria-selected={i === activeIndex}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => accept(c)}
          >
            <code>{c.label}</code>
            <span className="muted">{c.detail}</span>
          </li>
        ))}
    </ul>
  );

  return { inputProps, popup, live: <LiveLine id={liveId} value={previewOf === undefined ? value : previewOf} watch={hasExpression(value)} /> };
}

function LiveLine({ id, value, watch }: { id: string; value: unknown; watch: boolean }) {
  const live = useLiveValue(value, watch);
  if (!live) return null;
  if (live === 'no-data') {
    return (
      <span id={id} className="live-value muted" data-testid="live-value">
        No data to preview yet: run the flow, or open an execution, to see this value.
      </span>
    );
  }
  return (
    <span id={id} className={`live-value${live.ok ? '' : ' error'}`} data-testid="live-value">
      {live.ok ? (
        <>
          <span className="muted">Value in the last run: </span>
          <code>{formatLive(live.value)}</code>
        </>
      ) : (
        live.message
      )}
    </span>
  );
}
