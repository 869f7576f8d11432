import type { NodeRun } from '../lib/overlay';
import { fieldExpression } from '../lib/expression';
import { EXPRESSION_DRAG_TYPE } from './form/ExpressionInput';

const MAX_FIELDS = 200;

/** Top-level fields of an output, each draggable into a form field as its expression. */
function fieldsOf(value: unknown, prefix: Array<string | number> = [], out: Array<Array<string | number>> = []): Array<Array<string | number>> {
  if (out.length >= MAX_FIELDS || !value || typeof value !== 'object') return out;
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    out.push(path);
    if (prefix.length < 2) fieldsOf(child, path, out);
  }
  return out;
}

/** A node's last run: status, error, and its output as JSON, with its fields ready to drag into forms. */
export function OutputView({ nodeId, run }: { nodeId: string; run: NodeRun | undefined }) {
  if (!run) return <p className="muted">This node has not run yet. Run the flow to see its output.</p>;
  const fields = fieldsOf(run.output);
  return (
    <div className="output-view" data-testid="output-view">
      <p>
        <span className={`status status-${run.status}`}>{run.status}</span>
        {run.attempt && run.attempt > 1 ? ` after ${run.attempt} attempts` : ''}
      </p>
      {run.error && (
        <p role="alert" className="error">
          {run.error.message}
          {run.error.code ? ` (${run.error.code})` : ''}
        </p>
      )}
      {run.output !== undefined && (
        <>
          <h4>Output</h4>
          <pre className="json" aria-label="Output JSON">
            {JSON.stringify(run.output, null, 2)}
          </pre>
          {fields.length > 0 && (
            <>
              <h4>Fields</h4>
              <p className="muted">Drag a field into any text field of another node to use it.</p>
              <ul className="fields">
                {fields.map((path) => {
                  const expression = fieldExpression(path, { nodeId });
                  return (
                    <li key={path.join('.')} draggable onDragStart={(e) => e.dataTransfer.setData(EXPRESSION_DRAG_TYPE, expression)} title={expression}>
                      <code>{path.join('.')}</code>
                    </li>
                  );
                })}
              </ul>
            </>
          )}
        </>
      )}
    </div>
  );
}
