import { Background, Controls, MiniMap, Panel, ReactFlow, useReactFlow, type Connection, type Edge, type NodeChange, type EdgeChange, type OnDelete } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState, type DragEvent } from 'react';
import type { FlowEdge, NodeType, StickyNote } from '../api/types';
import { initialConfig } from '../lib/defaults';
import { connect, refuseConnection, removeEdges, removeNodes } from '../lib/graph';
import { edgeKey, newNodeId } from '../lib/ids';
import { addAfterPort, insertOnEdge } from '../lib/insert';
import { canvasNoteId, MAX_NOTES, moveNote, noteIdOf, removeNotes } from '../lib/notes';
import { CanvasActionsContext, type CanvasActions, type InsertTarget } from './canvas-actions';
import { CanvasDetailContext } from './canvas-detail';
import { canvasNodes, type NodeCache, type Size } from './canvas-nodes';
import { createEdgeHover } from '../lib/edge-hover';
import './canvas-extras.css';
import { useEditor, useEditorStore } from './context';
import { FlowNodeCard, type CanvasNode } from './FlowNodeCard';
import { InsertEdge } from './InsertEdge';
import { NodePicker } from './NodePicker';
import { useOpeningView, ZOOM_LIMITS } from './opening-view';
import { DRAG_TYPE, NOTE_DRAG } from './Palette';
import { StickyNoteCard, type CanvasNote } from './StickyNoteCard';
import { addStickyNote, revealNode, viewCentre } from './view';
import { COMPACT_CARD } from '../lib/viewport';

const nodeTypes = { flow: FlowNodeCard, note: StickyNoteCard };
const edgeTypes = { insert: InsertEdge };
type AnyNode = CanvasNode | CanvasNote;

const REFUSALS = {
  cycle: 'That connection would make a loop; flows run one way.',
  duplicate: 'These two are already connected from that port.',
  unknown_node: 'Connect two nodes of this flow.',
  into_trigger: 'A trigger starts the flow: nothing connects into it.',
} as const;

/**
 * The canvas: React Flow fed from the store. Node objects are rebuilt only for nodes whose document
 * entry, selection or measured size changed, so dragging one node or an event about one node does not
 * re-render the other 499. The measured size goes back into the node (React Flow's minimap draws only
 * nodes that carry one, and a rebuilt node without it is hidden until measured again), but keeps its
 * `data`, so measuring 500 cards on open re-renders none of them (FlowNodeCard compares `data`).
 */
export function Canvas({ editable, onAdd, onNotice }: { editable: boolean; onAdd(type: NodeType, at: { x: number; y: number }): void; onNotice(message: string): void }) {
  const store = useEditorStore();
  const doc = useEditor((s) => s.doc);
  const selected = useEditor((s) => s.selected);
  const selectedEdges = useEditor((s) => s.selectedEdges);
  const [sizes, setSizes] = useState<ReadonlyMap<string, Size>>(new Map());
  const nodeCache = useRef<NodeCache>(new Map());
  const edgeCache = useRef(new Map<string, { source: FlowEdge; selected: boolean; edge: Edge }>());
  const notes = useEditor((s) => s.doc.notes);
  // Notes are not nodes of the flow: their selection (note ids) is apart from the nodes' (which opens the node panel).
  const selectedNotes = useEditor((s) => s.selectedNotes);
  const noteCache = useRef(new Map<string, { source: StickyNote; selected: boolean; node: CanvasNote }>());
  const [picker, setPicker] = useState<{ target: InsertTarget; at: { x: number; y: number } } | null>(null);
  const flow = useReactFlow<AnyNode, Edge>();
  const types = useMemo(() => [...store.getState().catalog.values()], [store]);
  const opening = useOpeningView(() => {
    const { doc: open } = store.getState();
    return [...open.nodes.map((n) => n.position), ...(open.notes ?? []).map((n) => ({ ...n.position, width: n.size?.width ?? 240, height: n.size?.height ?? 140 }))];
  });
  // A card not measured yet is drawn at once when it is compact (its size is known), as React Flow
  // draws a node that has a size; read when nodes are built, not a reason to build them again.
  const compact = useRef(false);
  compact.current = opening.viewport !== null && !opening.detailed;

  const nodes = useMemo(() => {
    const built = canvasNodes(doc.nodes, selected, sizes, nodeCache.current, compact.current ? COMPACT_CARD : undefined);
    nodeCache.current = built.cache;
    return built.list;
    // The opening viewport: nodes are built again once it is known, compact or not.
  }, [doc.nodes, selected, sizes, opening.viewport]);

  const noteNodes = useMemo(() => {
    const next = new Map<string, { source: StickyNote; selected: boolean; node: CanvasNote }>();
    const list = (notes ?? []).map((n) => {
      const id = canvasNoteId(n.id);
      const isSelected = selectedNotes.has(n.id);
      const cached = noteCache.current.get(id);
      const width = n.size?.width ?? 240;
      const height = n.size?.height ?? 140;
      const entry =
        cached && cached.source === n && cached.selected === isSelected
          ? cached
          : { source: n, selected: isSelected, node: { id, type: 'note' as const, position: n.position, data: { note: n }, selected: isSelected, width, height, measured: { width, height }, zIndex: -1 } };
      next.set(id, entry);
      return entry.node;
    });
    noteCache.current = next;
    return list;
  }, [notes, selectedNotes]);

  // Notes first, so nodes draw over them.
  const allNodes = useMemo<AnyNode[]>(() => (noteNodes.length ? [...noteNodes, ...nodes] : nodes), [noteNodes, nodes]);

  const edges = useMemo(() => {
    const next = new Map<string, { source: FlowEdge; selected: boolean; edge: Edge }>();
    const list = doc.edges.map((e) => {
      const id = edgeKey(e);
      const isSelected = selectedEdges.has(id);
      const cached = edgeCache.current.get(id);
      const entry =
        cached && cached.source === e && cached.selected === isSelected
          ? cached
          : { source: e, selected: isSelected, edge: { id, type: 'insert', source: e.source, target: e.target, sourceHandle: e.sourcePort ?? 'main', targetHandle: 'in', selected: isSelected, ariaLabel: `${e.source} ${e.sourcePort ?? 'main'} to ${e.target}` } };
      next.set(id, entry);
      return entry.edge;
    });
    edgeCache.current = next;
    return list;
  }, [doc.edges, selectedEdges]);

  /** Moves, selects and removes notes; returns the changes that are about the flow's nodes. */
  const applyNoteChanges = useCallback(
    (changes: NodeChange<AnyNode>[]): NodeChange<AnyNode>[] => {
      const rest: NodeChange<AnyNode>[] = [];
      let selection: Set<string> | null = null;
      for (const c of changes) {
        const noteId = 'id' in c ? noteIdOf(c.id) : null;
        if (noteId === null) rest.push(c);
        else if (c.type === 'position' && c.position && editable) {
          const at = c.position;
          // One drag is one undo step: the frames of a drag coalesce.
          store.getState().edit('move note', (d) => moveNote(d, noteId, at), { coalesce: `note-move:${noteId}` });
        } else if (c.type === 'select') {
          selection ??= new Set(store.getState().selectedNotes);
          if (c.selected) selection.add(noteId);
          else selection.delete(noteId);
        }
      }
      if (selection) store.getState().selectNotes(selection);
      return rest;
    },
    [store, editable],
  );

  const onNodesChange = useCallback(
    (all: NodeChange<AnyNode>[]) => {
      const changes = applyNoteChanges(all);
      const moved = new Map<string, { x: number; y: number }>();
      let ended = false;
      let selection: Set<string> | null = null;
      let measured: Map<string, Size> | null = null;
      for (const c of changes) {
        if (c.type === 'position' && c.position) {
          moved.set(c.id, c.position);
          if (c.dragging === false) ended = true;
        } else if (c.type === 'position' && c.dragging === false) ended = true;
        else if (c.type === 'select') {
          selection ??= new Set(store.getState().selected);
          if (c.selected) selection.add(c.id);
          else selection.delete(c.id);
        } else if (c.type === 'dimensions' && c.dimensions) {
          measured ??= new Map();
          measured.set(c.id, c.dimensions);
        }
      }
      if (moved.size && editable) store.getState().dragTo(moved);
      if (ended) store.getState().endDrag();
      if (selection) store.getState().select(selection, store.getState().selectedEdges);
      if (measured) {
        const found = measured;
        setSizes((prev) => {
          const next = new Map(prev);
          for (const [id, size] of found) next.set(id, size);
          return next;
        });
      }
    },
    [store, editable, applyNoteChanges],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      let selection: Set<string> | null = null;
      for (const c of changes) {
        if (c.type !== 'select') continue;
        selection ??= new Set(store.getState().selectedEdges);
        if (c.selected) selection.add(c.id);
        else selection.delete(c.id);
      }
      if (selection) store.getState().select(store.getState().selected, selection);
    },
    [store],
  );

  const onConnect = useCallback(
    (c: Connection) => {
      const edge = { source: c.source, sourcePort: c.sourceHandle ?? 'main', target: c.target };
      const refusal = refuseConnection(store.getState().doc, store.getState().catalog, edge);
      if (refusal) return onNotice(REFUSALS[refusal]);
      store.getState().edit('connect', (d) => connect(d, edge));
    },
    [store, onNotice],
  );

  const onDelete: OnDelete<AnyNode, Edge> = useCallback(
    ({ nodes: goneNodes, edges: goneEdges }) => {
      const goneNotes = goneNodes.map((n) => noteIdOf(n.id)).filter((id): id is string => id !== null);
      store.getState().edit('delete', (d) => {
        removeEdges(d, goneEdges.map((e) => e.id));
        removeNodes(d, goneNodes.filter((n) => noteIdOf(n.id) === null).map((n) => n.id));
        removeNotes(d, goneNotes);
      });
    },
    [store],
  );

  /** Adds the picked type where the "+" was: in between on an edge, or after a port; one undo step. */
  const insert = useCallback(
    (type: NodeType) => {
      if (!picker) return;
      const { target } = picker;
      const { catalog, nodes: present } = store.getState();
      const node = { id: newNodeId(type.type, present.keys()), type: type.type, config: initialConfig(type) };
      store.getState().edit('insert', (d) => {
        if (target.kind === 'edge') insertOnEdge(d, catalog, target.edge, node);
        else addAfterPort(d, catalog, target.source, target.port, node);
      });
      setPicker(null);
      if (!store.getState().nodes.has(node.id)) return;
      store.getState().select([node.id]);
      // The node panel opens beside the canvas: keep the new node in sight, at the same zoom.
      requestAnimationFrame(() => revealNode(flow, store.getState().nodes.get(node.id)?.position));
    },
    [picker, store, flow],
  );

  const edgeHover = useMemo(() => createEdgeHover(), []);
  const edgePointer = useMemo(() => ({ enter: (_: unknown, e: Edge) => edgeHover.enter(e.id), leave: (_: unknown, e: Edge) => edgeHover.leave(e.id) }), [edgeHover]);
  const actions = useMemo<CanvasActions>(() => ({ editable, openPicker: (target, at) => setPicker({ target, at }), edgeHover }), [editable, edgeHover]);

  const addNoteInView = () => {
    if (!addStickyNote(store, viewCentre(flow))) onNotice(`A flow keeps at most ${MAX_NOTES} notes.`);
  };

  const onDrop = useCallback(
    (e: DragEvent) => {
      const typeName = e.dataTransfer.getData(DRAG_TYPE);
      if (typeName === NOTE_DRAG && editable) {
        e.preventDefault();
        addStickyNote(store, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
        return;
      }
      const type = typeName && store.getState().catalog.get(typeName);
      if (!type || !editable) return;
      e.preventDefault();
      const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      onAdd(type, { x: at.x - 110, y: at.y - 20 });
    },
    [flow, store, onAdd, editable],
  );

  return (
    <div className="canvas" ref={opening.pane} onDragOver={(e) => (e.preventDefault(), (e.dataTransfer.dropEffect = 'copy'))} onDrop={onDrop}>
      {opening.viewport && (
        <CanvasActionsContext.Provider value={actions}>
          <CanvasDetailContext.Provider value={opening.detailed}>
            <ReactFlow<AnyNode, Edge>
              nodes={allNodes}
              edges={edges}
              nodeTypes={nodeTypes}
              edgeTypes={edgeTypes}
              onNodesChange={onNodesChange}
              onEdgesChange={onEdgesChange}
              onConnect={onConnect}
              onDelete={onDelete}
              onEdgeMouseEnter={edgePointer.enter}
              onEdgeMouseLeave={edgePointer.leave}
              nodesDraggable={editable}
              nodesConnectable={editable}
              deleteKeyCode={editable ? ['Delete', 'Backspace'] : null}
              selectionKeyCode="Shift"
              multiSelectionKeyCode={['Meta', 'Control']}
              onlyRenderVisibleElements={doc.nodes.length > 150}
              defaultViewport={opening.viewport}
              onMove={opening.onMove}
              // Refines the opening viewport once full cards are measured (compact ones open fitted).
              fitView={opening.refit}
              // A new flow's one node is not blown up to twice its size.
              fitViewOptions={{ maxZoom: ZOOM_LIMITS.maxZoom }}
              minZoom={ZOOM_LIMITS.minZoom}
              proOptions={{ hideAttribution: true }}
            >
              <Background gap={20} />
              <MiniMap pannable zoomable ariaLabel="Minimap" />
              <Controls showInteractive={false} />
              {editable && (
                <Panel position="top-right">
                  <button type="button" className="canvas-add-note" onClick={addNoteInView} title="Add a sticky note in the middle of the view">
                    Add sticky note
                  </button>
                </Panel>
              )}
            </ReactFlow>
          </CanvasDetailContext.Provider>
        </CanvasActionsContext.Provider>
      )}
      {picker && (
        <NodePicker
          types={types}
          at={picker.at}
          label={picker.target.kind === 'edge' ? `Insert a node between ${picker.target.edge.source} and ${picker.target.edge.target}` : `Add a node after ${picker.target.source} (${picker.target.port})`}
          onPick={insert}
          onClose={() => setPicker(null)}
        />
      )}
    </div>
  );
}
