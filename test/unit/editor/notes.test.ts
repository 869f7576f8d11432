import { expect } from 'chai';
import type { FlowGraph } from '../../../editor/src/api/types.js';
import { copySelection, countText, parseClipboard, pastable } from '../../../editor/src/lib/clipboard.js';
import { documentOf, needsLayout, saveFields } from '../../../editor/src/lib/graph.js';
import { change, emptyHistory, redo, undo } from '../../../editor/src/lib/history.js';
import { addNote, canvasNoteId, colorNote, MAX_NOTE_TEXT, MAX_NOTES, moveNote, newNote, noteIdOf, NOTE_MIN, removeNotes, resizeNote, setNoteText } from '../../../editor/src/lib/notes.js';
import { graph } from './fixtures.js';

const withNote = (): FlowGraph => ({ ...graph(), notes: [{ id: 'note_1', text: 'Hello', position: { x: 0, y: -200 }, size: { width: 240, height: 140 }, color: 'yellow' }] });

describe('editor: sticky notes', () => {
  it('makes new notes with ids unique among the notes, rounded positions and the default size and colour', () => {
    const first = newNote(undefined, { x: 10.4, y: 20.6 });
    expect(first).to.deep.equal({ id: 'note_1', text: '', position: { x: 10, y: 21 }, size: { width: 240, height: 140 }, color: 'yellow' });
    expect(newNote(withNote().notes, { x: 0, y: 0 }, 'blue')).to.include({ id: 'note_2', color: 'blue' });
  });

  it('adds, edits, moves, resizes, colours and deletes a note, each undoable and redoable', () => {
    let state = { doc: graph(), history: emptyHistory() };
    const step = (label: string, recipe: (d: FlowGraph) => void) => (state = change(state.doc, state.history, label, recipe));
    step('add note', (d) => void addNote(d, newNote(d.notes, { x: 0, y: 0 })));
    step('note text', (d) => setNoteText(d, 'note_1', 'Line one\nLine two'));
    step('move note', (d) => moveNote(d, 'note_1', { x: 50.2, y: 60 }));
    step('resize note', (d) => resizeNote(d, 'note_1', { width: 10, height: 300 }));
    step('colour note', (d) => colorNote(d, 'note_1', 'green'));
    expect(state.doc.notes).to.deep.equal([{ id: 'note_1', text: 'Line one\nLine two', position: { x: 50, y: 60 }, size: { width: NOTE_MIN.width, height: 300 }, color: 'green' }]);
    step('delete', (d) => removeNotes(d, ['note_1']));
    expect(state.doc.notes).to.deep.equal([]);

    let back = undo(state.doc, state.history);
    expect(back.doc.notes?.[0].color).to.equal('green');
    back = undo(back.doc, back.history);
    expect(back.doc.notes?.[0].color).to.equal('yellow');
    const forward = redo(back.doc, back.history);
    expect(forward.doc.notes?.[0].color).to.equal('green');
    expect(state.doc.nodes).to.deep.equal(graph().nodes, 'notes never touch the graph');
  });

  it('keeps a note’s text within what the server stores, and the count of notes too', () => {
    const long = change(withNote(), emptyHistory(), 'text', (d) => setNoteText(d, 'note_1', 'x'.repeat(MAX_NOTE_TEXT + 10))).doc;
    expect(long.notes![0].text).to.have.length(MAX_NOTE_TEXT);
    const full: FlowGraph = { ...graph(), notes: Array.from({ length: MAX_NOTES }, (_, i) => ({ id: `n${i}`, text: '', position: { x: 0, y: 0 } })) };
    let added = true;
    const next = change(full, emptyHistory(), 'add', (d) => void (added = addNote(d, newNote(d.notes, { x: 0, y: 0 })))).doc;
    expect(added).to.equal(false);
    expect(next).to.equal(full);
  });

  it('gives notes canvas ids apart from node ids', () => {
    expect(canvasNoteId('a')).to.equal('note:a');
    expect(noteIdOf('note:a')).to.equal('a');
    expect(noteIdOf('a')).to.equal(null);
  });

  it('opens a flow with its notes and saves them beside the graph, never inside it', () => {
    const doc = documentOf({ graph: { nodes: [{ id: 'a', type: 'trigger.manual' }] }, notes: withNote().notes });
    expect(doc.notes).to.have.length(1);
    const fields = saveFields(doc);
    expect(fields.graph).to.not.have.property('notes');
    expect(fields.notes).to.deep.equal(withNote().notes);
    expect(saveFields(graph()).notes).to.deep.equal([], 'a flow without notes clears them');
    expect(documentOf({ graph: { nodes: [] } })).to.not.have.property('notes');
  });

  it('lays out on opening only flows whose nodes all lack positions', () => {
    expect(needsLayout({ nodes: [{ id: 'a', type: 't' }, { id: 'b', type: 't' }] })).to.equal(true);
    expect(needsLayout({ nodes: [{ id: 'a', type: 't' }] })).to.equal(false);
    expect(needsLayout({ nodes: [{ id: 'a', type: 't', position: { x: 0, y: 0 } }, { id: 'b', type: 't' }] })).to.equal(false);
  });

  describe('on the clipboard (copy, paste between flows, duplicate)', () => {
    const twoNotes = (): FlowGraph => ({
      ...graph(),
      notes: [
        { id: 'why', text: 'Leads from the form', position: { x: 0, y: -200 }, size: { width: 300, height: 120 }, color: 'blue' },
        { id: 'todo', text: 'Ask Dana', position: { x: 400, y: -200 } },
      ],
    });

    it('copies the selected notes beside the selected nodes, and only those', () => {
      const copied = copySelection(twoNotes(), ['check'], ['why']);
      expect(copied.nodes.map((n) => n.id)).to.deep.equal(['check']);
      expect(copied.notes).to.deep.equal([twoNotes().notes![0]]);
      expect(copySelection(twoNotes(), ['check'])).to.not.have.property('notes');
      const notesOnly = copySelection(twoNotes(), [], ['todo', 'why']);
      expect(notesOnly.nodes).to.deep.equal([]);
      expect(notesOnly.notes!.map((n) => n.id)).to.deep.equal(['why', 'todo'], 'in the flow’s order');
    });

    it('pastes notes into another flow with their text, size and colour, moved by the offset', () => {
      const text = JSON.stringify(copySelection(twoNotes(), ['check'], ['why']));
      const other: FlowGraph = { nodes: [{ id: 'start', type: 'trigger.manual', config: {}, position: { x: 0, y: 0 } }], edges: [] };
      const pasted = pastable(parseClipboard(text)!, other);
      expect(pasted.nodes.map((n) => n.id)).to.deep.equal(['check']);
      expect(pasted.notes).to.deep.equal([{ id: 'why', text: 'Leads from the form', position: { x: 40, y: -160 }, size: { width: 300, height: 120 }, color: 'blue' }]);
      expect(pasted.notesLeftOut).to.equal(0);
    });

    it('duplicates a note in its own flow under a fresh id, leaving the original alone', () => {
      const doc = twoNotes();
      const pasted = pastable(copySelection(doc, [], ['why', 'todo']), doc);
      expect(pasted.notes.map((n) => n.id)).to.deep.equal(['note_1', 'note_2']);
      expect(pasted.notes[0]).to.include({ text: 'Leads from the form', color: 'blue' });
      const state = change(doc, emptyHistory(), 'paste', (d) => pasted.notes.forEach((n) => addNote(d, n)));
      expect(state.doc.notes!.map((n) => n.id)).to.deep.equal(['why', 'todo', 'note_1', 'note_2']);
      expect(undo(state.doc, state.history).doc.notes).to.deep.equal(doc.notes, 'one undo takes the paste back');
    });

    it('reads only well-formed notes from the clipboard and makes them fit what the server stores', () => {
      const text = JSON.stringify({
        switchboard: 'nodes',
        nodes: [],
        notes: [
          { id: 'has space', text: 'x'.repeat(MAX_NOTE_TEXT + 5), position: { x: 1, y: 2 }, size: { width: 10, height: 9000 }, color: 'orange' },
          { id: 'no-position', text: 'lost' },
          'not a note',
        ],
      });
      const payload = parseClipboard(text)!;
      expect(payload.notes).to.have.length(1);
      expect(payload.notes![0].text).to.have.length(MAX_NOTE_TEXT);
      expect(payload.notes![0].size).to.deep.equal({ width: 60, height: 4000 });
      expect(payload.notes![0]).to.not.have.property('color');
      const pasted = pastable(payload, graph());
      expect(pasted.notes[0].id).to.equal('note_1', 'an id the server would refuse is replaced');
      // What older editors copied (nodes only) still pastes.
      expect(parseClipboard(JSON.stringify({ switchboard: 'nodes', nodes: [{ id: 'a', type: 't' }], edges: [] }))).to.deep.equal({ switchboard: 'nodes', nodes: [{ id: 'a', type: 't' }], edges: [] });
    });

    it('leaves out the notes a flow has no room for, and says how many', () => {
      const full: FlowGraph = { ...graph(), notes: Array.from({ length: MAX_NOTES - 1 }, (_, i) => ({ id: `n${i}`, text: '', position: { x: 0, y: 0 } })) };
      const pasted = pastable(copySelection(twoNotes(), [], ['why', 'todo']), full);
      expect(pasted.notes.map((n) => n.id)).to.deep.equal(['why']);
      expect(pasted.notesLeftOut).to.equal(1);
    });

    it('says what a copy or paste took', () => {
      expect(countText(2, 1)).to.equal('2 nodes and 1 note');
      expect(countText(1, 0)).to.equal('1 node');
      expect(countText(0, 3)).to.equal('3 notes');
    });
  });
});
