import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo, useRef, useState } from 'react';
import { useCanvasActions } from './canvas-actions';

/**
 * An edge with a "+" at its middle that inserts a node in between. The "+" is drawn only while the edge
 * is hovered or selected, so a 2,000-edge flow does not carry 2,000 buttons.
 */
export const InsertEdge = memo(function InsertEdge(props: EdgeProps) {
  const { id, source, target, sourceHandleId, selected, markerEnd, style, interactionWidth } = props;
  const [path, labelX, labelY] = getBezierPath(props);
  const { editable, openPicker } = useCanvasActions();
  const [hovered, setHoveredNow] = useState(false);
  // Leaving the line towards the "+" must not hide the "+" before the pointer reaches it.
  const hideTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const setHovered = (on: boolean) => {
    clearTimeout(hideTimer.current);
    if (on) setHoveredNow(true);
    else hideTimer.current = setTimeout(() => setHoveredNow(false), 250);
  };
  const shown = editable && (hovered || selected);
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={style} interactionWidth={interactionWidth} />
      {editable && <path d={path} fill="none" stroke="transparent" strokeWidth={24} onMouseEnter={() => setHovered(true)} onMouseLeave={() => setHovered(false)} />}
      {shown && (
        <EdgeLabelRenderer>
          <button
            type="button"
            className="edge-insert nodrag nopan"
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            aria-label={`Insert a node between ${source} and ${target}`}
            title="Insert a node here"
            onMouseEnter={() => setHovered(true)}
            onMouseLeave={() => setHovered(false)}
            onClick={(e) => {
              e.stopPropagation();
              const box = e.currentTarget.getBoundingClientRect();
              openPicker({ kind: 'edge', edge: { source, sourcePort: sourceHandleId ?? 'main', target } }, { x: box.right + 6, y: box.top });
            }}
          >
            +
          </button>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
