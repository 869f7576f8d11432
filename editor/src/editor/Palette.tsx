import { useReactFlow } from '@xyflow/react';
import { useMemo, useState, type KeyboardEvent } from 'react';
import type { NodeType } from '../api/types';
import { noteMatches, paletteGroups } from '../lib/palette';
import { useEditorStore } from './context';
import { iconOf } from './icons';
import { addStickyNote, viewCentre } from './view';

export const DRAG_TYPE = 'application/x-switchboard-node';
/** What a dragged "Sticky note" carries instead of a node type. */
export const NOTE_DRAG = 'switchboard.sticky-note';

/** Enter or Space on a palette item adds it (a button with no click action: a click is the start of a drag). */
const activates = (e: KeyboardEvent) => e.key === 'Enter' || e.key === ' ';

/** After an addition from the keyboard, the focus goes to the new node's panel, where its settings are. */
function focusNodePanel() {
  requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-node-panel]')?.focus());
}

/** Node types by category, searchable; drag one onto the canvas or double-click it to add it in view. */
export function Palette({ types, onAdd }: { types: NodeType[]; onAdd(type: NodeType, at: { x: number; y: number }): void }) {
  const [search, setSearch] = useState('');
  const groups = useMemo(() => paletteGroups(types, search), [types, search]);
  const flow = useReactFlow();
  const store = useEditorStore();
  const showNote = noteMatches(search);
  const addNoteInView = () => addStickyNote(store, viewCentre(flow));

  function addInView(type: NodeType) {
    const pane = document.querySelector('.react-flow')?.getBoundingClientRect();
    const centre = pane ? { x: pane.left + pane.width / 2, y: pane.top + pane.height / 2 } : { x: 400, y: 300 };
    const at = flow.screenToFlowPosition(centre);
    onAdd(type, { x: at.x - 110, y: at.y - 38 });
  }

  return (
    <aside className="palette" aria-label="Node types">
      <input type="search" placeholder="Search nodes" aria-label="Search nodes" value={search} onChange={(e) => setSearch(e.target.value)} />
      {groups.length === 0 && !showNote && <p className="muted">No node matches.</p>}
      {showNote && (
        <section>
          <h3>Canvas</h3>
          <ul>
            <li>
              <button
                type="button"
                className="palette-item"
                draggable
                data-type="sticky-note"
                title={'A note for the people reading the flow (never run).\n\nDrag onto the canvas, or double-click (Enter or Space) to add.'}
                onDragStart={(e) => {
                  e.dataTransfer.setData(DRAG_TYPE, NOTE_DRAG);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onDoubleClick={addNoteInView}
                onKeyDown={(e) => {
                  if (!activates(e)) return;
                  e.preventDefault();
                  addNoteInView();
                }}
              >
                <span aria-hidden>✎</span> Sticky note
              </button>
            </li>
          </ul>
        </section>
      )}
      {groups.map((group) => (
        <section key={group.category}>
          <h3>{group.category}</h3>
          <ul>
            {group.types.map((t) => (
              <li key={t.type}>
                <button
                  type="button"
                  className="palette-item"
                  draggable
                  data-type={t.type}
                  title={`${t.description}\n\nDrag onto the canvas, or double-click (Enter or Space) to add.`}
                  onDragStart={(e) => {
                    e.dataTransfer.setData(DRAG_TYPE, t.type);
                    e.dataTransfer.effectAllowed = 'copy';
                  }}
                  onDoubleClick={() => addInView(t)}
                  onKeyDown={(e) => {
                    if (!activates(e)) return;
                    e.preventDefault();
                    addInView(t);
                    focusNodePanel();
                  }}
                >
                  <span aria-hidden>{iconOf(t.category)}</span> {t.title}
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </aside>
  );
}
