import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Dialog } from '../components/Dialog';
import { connectOptions, portsOf, refusedText, type ConnectChoice } from '../lib/connect';
import { connect } from '../lib/graph';
import { stepChoice } from '../lib/palette';
import { useEditor, useEditorStore } from './context';
import './connect.css';

/** What to connect from: a node, and the port to start with (its first when not said). */
export interface ConnectFrom {
  source: string;
  port?: string;
}

/**
 * Connecting ports without a mouse: a node's output port (chosen in the dialog when it has several) to
 * one of the nodes it may go to, searched and picked with the arrow keys and Enter. One undoable edit.
 */
export function ConnectDialog({ from, onClose, onNotice }: { from: ConnectFrom; onClose(): void; onNotice(text: string): void }) {
  const store = useEditorStore();
  const doc = useEditor((s) => s.doc);
  const catalog = useEditor((s) => s.catalog);
  const node = useEditor((s) => s.nodes.get(from.source));
  const ports = useMemo(() => portsOf(doc, catalog, from.source), [doc, catalog, from.source]);
  const [port, setPort] = useState(from.port && ports.includes(from.port) ? from.port : (ports[0] ?? 'main'));
  const [search, setSearch] = useState('');
  const [active, setActive] = useState(0);
  const options = useMemo(() => connectOptions(doc, catalog, from.source, port, search), [doc, catalog, from.source, port, search]);
  const listId = useId();
  const searchRef = useRef<HTMLInputElement>(null);
  const current = Math.min(active, Math.max(0, options.choices.length - 1));
  const name = node?.name || catalog.get(node?.type ?? '')?.title || from.source;

  // After the dialog has opened (its showModal focuses its first control), the search takes the keys.
  useEffect(() => searchRef.current?.focus(), []);
  useEffect(() => {
    document.getElementById(`${listId}-${current}`)?.scrollIntoView({ block: 'nearest' });
  }, [listId, current]);

  const pick = (choice: ConnectChoice) => {
    store.getState().edit('connect', (d) => connect(d, { source: from.source, sourcePort: port, target: choice.id }));
    onNotice(`Connected ${name} (${port}) to ${choice.label}.`);
    onClose();
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      const choice = options.choices[current];
      if (choice) pick(choice);
    } else if (['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) {
      e.preventDefault();
      setActive(stepChoice(current, e.key, options.choices.length));
    }
  };

  if (!node || ports.length === 0) return null;
  const refused = refusedText(options.refused);
  return (
    <Dialog title={`Connect ${name} to…`} onClose={onClose}>
      <div className="connect-dialog">
        {ports.length > 1 && (
          <label>
            Output
            <select value={port} onChange={(e) => (setPort(e.target.value), setActive(0))}>
              {ports.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
        )}
        <input
          ref={searchRef}
          type="search"
          placeholder="Search nodes"
          aria-label="Search nodes to connect to"
          role="combobox"
          aria-expanded
          aria-controls={listId}
          aria-activedescendant={options.choices.length ? `${listId}-${current}` : undefined}
          value={search}
          onChange={(e) => (setSearch(e.target.value), setActive(0))}
          onKeyDown={onKey}
        />
        <ul id={listId} role="listbox" aria-label={`Nodes ${port} may connect to`}>
          {options.choices.map((c, i) => (
            <li
              key={c.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === current}
              data-node={c.id}
              className={i === current ? 'active' : undefined}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => pick(c)}
            >
              {c.label} <span className="muted">{c.id === c.label ? c.type : `${c.id} · ${c.type}`}</span>
            </li>
          ))}
        </ul>
        {options.choices.length === 0 && <p>{search ? 'No node matches.' : `No node can take a connection from ${port}.`}</p>}
        {refused && <p className="muted">{refused}</p>}
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
