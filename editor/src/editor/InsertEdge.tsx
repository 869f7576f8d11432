import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { useCanvasActions, useEdgeHovered } from './canvas-actions';

/**
 * An edge with a "+" at its middle that inserts a node in between. The "+" is drawn only while the edge
 * is pointed at (the canvas reports it through `edgeHover`) or selected, so a 2,000-edge flow does not
 * carry 2,000 buttons.
 */
export const InsertEdge = memo(function InsertEdge(props: EdgeProps) {
  const { id, source, target, sourceHandleId, selected, markerEnd, style, interactionWidth } = props;
  const [path, labelX, labelY] = getBezierPath(props);
  const { editable, openPicker, edgeHover } = useCanvasActions();
  const hovered = useEdgeHovered(edgeHover, id);
  const shown = editable && (hovered || selected);
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={style} interactionWidth={interactionWidth} />
      {shown && (
        <EdgeLabelRenderer>
          <button
            type="button"
            className="edge-insert nodrag nopan"
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            aria-label={`Insert a node between ${source} and ${target}`}
            title="Insert a node here"
            onMouseEnter={() => edgeHover.enter(id)}
            onMouseLeave={() => edgeHover.leave(id)}
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
