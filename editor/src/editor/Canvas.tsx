import { Background, Controls, MiniMap, ReactFlow, useReactFlow, type Connection, type Edge, type NodeChange, type EdgeChange, type OnDelete } from '@xyflow/react';
import { useCallback, useMemo, useRef, useState, type DragEvent } from 'react';
import type { FlowEdge, FlowNode, NodeType } from '../api/types';
import { connect, refuseConnection, removeEdges, removeNodes } from '../lib/graph';
import { edgeKey } from '../lib/ids';
import { useEditor, useEditorStore } from './context';
import { FlowNodeCard, type CanvasNode } from './FlowNodeCard';
import { DRAG_TYPE } from './Palette';

const nodeTypes = { flow: FlowNodeCard };

const REFUSALS = {
  cycle: 'That connection would make a loop; flows run one way.',
  duplicate: 'These two are already connected from that port.',
  unknown_node: 'Connect two nodes of this flow.',
  into_trigger: 'A trigger starts the flow: nothing connects into it.',
} as const;

type Size = { width: number; height: number };

/**
 * The canvas: React Flow fed from the store. Node objects are rebuilt only for nodes whose document
 * entry, selection or measured size changed, so dragging one node or an event about one node does not
 * re-render the other 499.
 */
export function Canvas({ editable, onAdd, onNotice }: { editable: boolean; onAdd(type: NodeType, at: { x: number; y: number }): void; onNotice(message: string): void }) {
  const store = useEditorStore();
  const doc = useEditor((s) => s.doc);
  const selected = useEditor((s) => s.selected);
  const selectedEdges = useEditor((s) => s.selectedEdges);
  const [sizes, setSizes] = useState<ReadonlyMap<string, Size>>(new Map());
  const nodeCache = useRef(new Map<string, { source: FlowNode; selected: boolean; size?: Size; node: CanvasNode }>());
  const edgeCache = useRef(new Map<string, { source: FlowEdge; selected: boolean; edge: Edge }>());
  const flow = useReactFlow();

  const nodes = useMemo(() => {
    const next = new Map<string, { source: FlowNode; selected: boolean; size?: Size; node: CanvasNode }>();
    const list = doc.nodes.map((n) => {
      const isSelected = selected.has(n.id);
      const size = sizes.get(n.id);
      const cached = nodeCache.current.get(n.id);
      const entry =
        cached && cached.source === n && cached.selected === isSelected && cached.size === size
          ? cached
          : { source: n, selected: isSelected, size, node: { id: n.id, type: 'flow' as const, position: n.position ?? { x: 0, y: 0 }, data: { node: n }, selected: isSelected, ...(size ? { measured: size } : {}) } };
      next.set(n.id, entry);
      return entry.node;
    });
    nodeCache.current = next;
    return list;
  }, [doc.nodes, selected, sizes]);

  const edges = useMemo(() => {
    const next = new Map<string, { source: FlowEdge; selected: boolean; edge: Edge }>();
    const list = doc.edges.map((e) => {
      const id = edgeKey(e);
      const isSelected = selectedEdges.has(id);
      const cached = edgeCache.current.get(id);
      const entry =
        cached && cached.source === e && cached.selected === isSelected
          ? cached
          : { source: e, selected: isSelected, edge: { id, source: e.source, target: e.target, sourceHandle: e.sourcePort ?? 'main', targetHandle: 'in', selected: isSelected, ariaLabel: `${e.source} ${e.sourcePort ?? 'main'} to ${e.target}` } };
      next.set(id, entry);
      return entry.edge;
    });
    edgeCache.current = next;
    return list;
  }, [doc.edges, selectedEdges]);

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
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
    [store, editable],
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

  const onDelete: OnDelete<CanvasNode, Edge> = useCallback(
    ({ nodes: goneNodes, edges: goneEdges }) => {
      store.getState().edit('delete', (d) => {
        removeEdges(d, goneEdges.map((e) => e.id));
        removeNodes(d, goneNodes.map((n) => n.id));
      });
    },
    [store],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      const typeName = e.dataTransfer.getData(DRAG_TYPE);
      const type = typeName && store.getState().catalog.get(typeName);
      if (!type || !editable) return;
      e.preventDefault();
      const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      onAdd(type, { x: at.x - 110, y: at.y - 20 });
    },
    [flow, store, onAdd, editable],
  );

  return (
    <div className="canvas" onDragOver={(e) => (e.preventDefault(), (e.dataTransfer.dropEffect = 'copy'))} onDrop={onDrop}>
      <ReactFlow<CanvasNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onDelete={onDelete}
        nodesDraggable={editable}
        nodesConnectable={editable}
        deleteKeyCode={editable ? ['Delete', 'Backspace'] : null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control']}
        onlyRenderVisibleElements={doc.nodes.length > 150}
        fitView
        // A new flow's one node is not blown up to twice its size.
        fitViewOptions={{ maxZoom: 1 }}
        minZoom={0.1}
        proOptions={{ hideAttribution: true }}
      >
        <Background gap={20} />
        <MiniMap pannable zoomable ariaLabel="Minimap" />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
