import { NodeResizeControl, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { NOTE_COLORS, type StickyNote } from '../api/types';
import { colorNote, NOTE_MIN, removeNotes, resizeNote, setNoteText } from '../lib/notes';
import { useCanvasActions } from './canvas-actions';
import { useEditorStore } from './context';

export type CanvasNote = Node<{ note: StickyNote }, 'note'>;

/**
 * A sticky note: its text is edited in place (plain text, line breaks kept); when selected it offers its
 * colours, a delete button and a resize corner. Every change is one undoable edit (typing coalesces).
 */
export const StickyNoteCard = memo(function StickyNoteCard({ data, selected }: NodeProps<CanvasNote>) {
  const { note } = data;
  const store = useEditorStore();
  const { editable } = useCanvasActions();
  const edit = store.getState().edit;
  const color = note.color ?? 'yellow';
  return (
    <div className={`sticky-note note-${color}${selected ? ' selected' : ''}`} data-testid={`note-${note.id}`}>
      {/* The head is where a note is picked up (its text area is for typing); selected, it holds the tools. */}
      <div className="note-head" title={editable ? 'Drag to move; select to colour or delete' : undefined}>
        {editable && selected && (
          <div className="note-tools">
            {NOTE_COLORS.map((c) => (
              <button key={c} type="button" className={`note-swatch note-${c} nodrag`} aria-label={`Colour ${c}`} aria-pressed={c === color} onClick={() => edit('note colour', (d) => colorNote(d, note.id, c))} />
            ))}
            <button type="button" className="link nodrag" aria-label="Delete note" title="Delete note" onClick={() => edit('delete note', (d) => removeNotes(d, [note.id]))}>
              ✕
            </button>
          </div>
        )}
      </div>
      <textarea
        className="nodrag nowheel"
        aria-label="Note text"
        placeholder={editable ? 'Write a note…' : ''}
        readOnly={!editable}
        value={note.text}
        onChange={(e) => edit('note text', (d) => setNoteText(d, note.id, e.target.value), { coalesce: `note-text:${note.id}` })}
      />
      {editable && (
        <NodeResizeControl
          position="bottom-right"
          minWidth={NOTE_MIN.width}
          minHeight={NOTE_MIN.height}
          className="note-resize"
          onResize={(_, p) => edit('resize note', (d) => resizeNote(d, note.id, p), { coalesce: `note-size:${note.id}` })}
        />
      )}
    </div>
  );
});
