import { useEffect, useId, useMemo, useState, type KeyboardEvent, type RefObject } from 'react';
import { applyCandidate, candidates, completionSpot, type Candidate } from '../../lib/completion';
import type { NodeScope } from '../../lib/scope';
import { useNodeNames } from '../node-scope';

// Enough for the four roots and all of JSONata's functions right after `{{ `.
const MAX_SHOWN = 80;

export interface CompletionOptions {
  ref: RefObject<HTMLInputElement | HTMLTextAreaElement | null>;
  value: string;
  context: NodeScope | null;
  /** Where the caret is while the field has focus (null without focus). */
  caret: number | null;
  setCaret(caret: number | null): void;
  replace(next: { text: string; caret: number }): void;
  disabled?: boolean;
}

/**
 * Completion inside `{{ }}` as an ARIA combobox: the field's props (roles, keys, caret tracking) and
 * its listbox. ↑ / ↓ move, Enter or Tab pick, Escape closes, Ctrl+Space opens again.
 */
export function useCompletion({ ref, value, context, caret, setCaret, replace, disabled }: CompletionOptions) {
  const listId = useId();
  const nameOf = useNodeNames();
  const [dismissed, setDismissed] = useState(false);
  const [active, setActive] = useState(0);
  const spot = caret === null || !context ? null : completionSpot(value, caret);
  const token = spot?.token;
  const list = useMemo(() => (token !== undefined && context ? candidates(token, context, nameOf).slice(0, MAX_SHOWN) : []), [token, context, nameOf]);
  const open = !disabled && !dismissed && list.length > 0;
  const activeIndex = Math.min(active, list.length - 1);

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
    } else if (!open) {
      return;
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((activeIndex + (e.key === 'ArrowDown' ? 1 : list.length - 1)) % list.length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      accept(list[activeIndex]);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation(); // the list closes, the panel stays
      setDismissed(true);
    }
  };

  const optionId = (i: number) => `${listId}-${i}`;
  // The list scrolls (it holds all of JSONata's functions): the active option is kept in sight by scrolling
  // the list alone. scrollIntoView scrolls every ancestor too, the canvas's included, and with it the
  // production build crashed now and then in an update loop (React error #185) while completing.
  useEffect(() => {
    const listEl = document.getElementById(listId);
    const option = document.getElementById(optionId(activeIndex));
    if (!open || !listEl || !option) return;
    const top = option.offsetTop;
    const bottom = top + option.offsetHeight;
    if (top < listEl.scrollTop) listEl.scrollTop = top;
    else if (bottom > listEl.scrollTop + listEl.clientHeight) listEl.scrollTop = bottom - listEl.clientHeight;
  }, [open, listId, activeIndex]);
  const props = {
    role: 'combobox' as const,
    'aria-autocomplete': 'list' as const,
    'aria-expanded': open,
    'aria-controls': listId,
    'aria-activedescendant': open ? optionId(activeIndex) : undefined,
    onKeyDown,
    onSelect: track,
    onFocus: track,
    onBlur: () => setCaret(null),
    onInput: () => {
      setDismissed(false);
      setActive(0);
      track();
    },
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
            className={c.signature ? 'completion-function' : undefined}
            title={c.signature ? `${c.signature}: ${c.detail}` : undefined}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => accept(c)}
          >
            <code>{c.signature ?? c.label}</code>
            <span className="muted">{c.detail}</span>
          </li>
        ))}
    </ul>
  );
  return { props, popup };
}
