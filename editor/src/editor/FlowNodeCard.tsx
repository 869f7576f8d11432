import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { FlowNode } from '../api/types';
import { hasInput, outputPorts, portLabel } from '../lib/ports';
import { summarise } from '../lib/summary';
import { useCanvasActions } from './canvas-actions';
import { useCanvasDetailed } from './canvas-detail';
import { CompactNodeCard } from './CompactNodeCard';
import { useEditor } from './context';
import { iconOf } from './icons';
import { isPinned } from '../lib/pins';

export type CanvasNode = Node<{ node: FlowNode }, 'flow'>;

/**
 * What a card shows comes from these props and its own slices of the store. React Flow also passes the
 * measured size, the absolute position and the dragging flag, which change for all 500 cards when they
 * are first measured and for a dragged card on every frame; none of them is drawn, so they re-render nothing.
 */
const sameCard = (a: NodeProps<CanvasNode>, b: NodeProps<CanvasNode>): boolean => a.id === b.id && a.data === b.data && a.selected === b.selected;

/** One node on the canvas: title, type, a summary of its config, its ports, errors and run status; compact when zoomed out far. */
export const FlowNodeCard = memo(function FlowNodeCard({ id, data, selected }: NodeProps<CanvasNode>) {
  const { node } = data;
  const type = useEditor((s) => s.catalog.get(node.type));
  const errors = useEditor((s) => s.errors.get(id));
  const run = useEditor((s) => s.overlay?.nodes[id]);
  const pinned = useEditor((s) => isPinned(s.doc, id));
  const { editable, openPicker } = useCanvasActions();
  const detailed = useCanvasDetailed();
  const ports = outputPorts(node, type);
  const title = node.name || type?.title || node.type;
  const className = `flow-node${selected ? ' selected' : ''}${errors ? ' invalid' : ''}${run ? ` run-${run.status}` : ''}`;
  const label = `${title} (${node.type})${run ? `, ${run.status}` : ''}${pinned ? ', pinned' : ''}${errors ? `, ${errors.length} problem(s)` : ''}`;
  if (!detailed) return <CompactNodeCard id={id} className={className} status={run?.status ?? ''} label={label} icon={iconOf(type?.category)} title={title} hasInput={hasInput(type)} ports={ports} />;
  return (
    <div className={className} data-testid={`node-${id}`} data-status={run?.status ?? ''} role="group" aria-label={label}>
      {hasInput(type) && <Handle type="target" position={Position.Left} id="in" className="handle-in" />}
      <div className="node-head">
        <span className="node-icon" aria-hidden>
          {iconOf(type?.category)}
        </span>
        <span className="node-title">{title}</span>
        {pinned && (
          <span className="pin-badge" title="Pinned data: test runs emit it instead of running this node" data-testid={`pin-${id}`}>
            pinned
          </span>
        )}
        {run && <span className={`run-badge status-${run.status}`}>{run.status}</span>}
      </div>
      <div className="node-type">{node.type}</div>
      <div className="node-summary">{summarise(node) || '\u00a0'}</div>
      {errors && (
        <ul className="node-errors" role="alert">
          {errors.map((e, i) => (
            <li key={i}>{e}</li>
          ))}
        </ul>
      )}
      <div className="node-ports">
        {ports.map((port) => (
          <div className="node-port" key={port}>
            <span>{portLabel(port, ports)}</span>
            <Handle type="source" position={Position.Right} id={port} className="handle-out" data-port={port} />
            {editable && (
              <button
                type="button"
                className="port-add nodrag"
                aria-label={`Add a node after ${title} (${port})`}
                title="Add a node connected to this port"
                onClick={(e) => {
                  e.stopPropagation();
                  const box = e.currentTarget.getBoundingClientRect();
                  openPicker({ kind: 'port', source: id, port }, { x: box.right + 6, y: box.top });
                }}
              >
                +
              </button>
            )}
          </div>
        ))}
      </div>
    </div>
  );
}, sameCard);
