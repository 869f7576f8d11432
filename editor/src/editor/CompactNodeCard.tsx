import { Handle, Position } from '@xyflow/react';
import './compact-node.css';

/**
 * A node seen from afar (zoomed out below lib/viewport.ts DETAIL_ZOOM, where text is a few pixels high):
 * its outline with the run and error colours, its icon and title large, and its ports, in a third of the
 * elements of a full card. What a screen reader hears is the same as for the full card.
 */
export function CompactNodeCard({ id, className, status, label, icon, title, hasInput, ports }: { id: string; className: string; status: string; label: string; icon: string; title: string; hasInput: boolean; ports: string[] }) {
  return (
    <div className={`${className} compact`} data-testid={`node-${id}`} data-status={status} role="group" aria-label={label}>
      {hasInput && <Handle type="target" position={Position.Left} id="in" className="handle-in" />}
      <span className="compact-icon" aria-hidden>
        {icon}
      </span>
      <span className="compact-title">{title}</span>
      {ports.map((port, i) => (
        // Spread along the right edge, as the full card's port rows are.
        <Handle key={port} type="source" position={Position.Right} id={port} className="handle-out" data-port={port} style={{ top: `${((i + 1) / (ports.length + 1)) * 100}%` }} />
      ))}
    </div>
  );
}
