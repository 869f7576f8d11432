import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { NodeType } from '../api/types';
import { pickerChoices, stepChoice } from '../lib/palette';
import { iconOf } from './icons';
import { useReturnFocus } from '../components/focus-trap';

/**
 * The searchable list a "+" opens: type to filter, arrows to move, Enter to add, Escape to close.
 * A combobox with a listbox, so a screen reader follows the highlighted type.
 */
export function NodePicker({ types, at, label, onPick, onClose }: { types: NodeType[]; at: { x: number; y: number }; label: string; onPick(type: NodeType): void; onClose(): void }) {
  const [search, setSearch] = useState('');
  const [active, setActive] = useState(0);
  const choices = useMemo(() => pickerChoices(types, search), [types, search]);
  const listId = useId();
  const box = useRef<HTMLDivElement>(null);
  const current = Math.min(active, Math.max(0, choices.length - 1));
  // Escape (or a pick) gives the focus back to the "+" that opened the picker.
  useReturnFocus();

  useEffect(() => {
    const outside = (e: MouseEvent) => box.current && !box.current.contains(e.target as Node) && onClose();
    document.addEventListener('mousedown', outside);
    return () => document.removeEventListener('mousedown', outside);
  }, [onClose]);

  useEffect(() => {
    document.getElementById(`${listId}-${current}`)?.scrollIntoView({ block: 'nearest' });
  }, [listId, current]);

  function onKey(e: KeyboardEvent) {
    if (e.key === 'Escape') return (e.preventDefault(), onClose());
    if (e.key === 'Enter') {
      e.preventDefault();
      if (choices[current]) onPick(choices[current]);
      return;
    }
    if (['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) {
      e.preventDefault();
      setActive(stepChoice(current, e.key, choices.length));
    }
  }

  // Kept inside the window: a "+" near the right or bottom edge opens the list towards the middle.
  const left = Math.min(at.x, window.innerWidth - 300);
  const top = Math.min(at.y, window.innerHeight - 360);
  return (
    <div className="node-picker" ref={box} style={{ left: Math.max(8, left), top: Math.max(8, top) }} role="dialog" aria-label={label}>
      <input
        type="search"
        autoFocus
        placeholder="Search nodes to add"
        aria-label="Search nodes to add"
        role="combobox"
        aria-expanded
        aria-controls={listId}
        aria-activedescendant={choices.length ? `${listId}-${current}` : undefined}
        value={search}
        onChange={(e) => (setSearch(e.target.value), setActive(0))}
        onKeyDown={onKey}
      />
      <ul id={listId} role="listbox" aria-label="Node types">
        {choices.map((t, i) => (
          <li
            key={t.type}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === current}
            data-type={t.type}
            className={i === current ? 'active' : undefined}
            onMouseEnter={() => setActive(i)}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => onPick(t)}
          >
            <span aria-hidden>{iconOf(t.category)}</span> {t.title} <span className="muted">{t.category}</span>
          </li>
        ))}
      </ul>
      {choices.length === 0 && <p className="muted">No node matches.</p>}
    </div>
  );
}
