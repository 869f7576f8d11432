import { DataView } from './DataView';
import { useNodeScope } from './node-scope';

/**
 * Beside the config form: what the node received in the run shown on the canvas, its fields ready to be
 * dragged into the form as `{{ $json… }}`.
 */
export function InputData({ nodeId }: { nodeId: string }) {
  const context = useNodeScope(nodeId);
  const input = context?.scope?.json;
  return (
    <details className="input-data" open={input !== undefined} aria-label="Input data">
      <summary>Input data</summary>
      {input === undefined ? (
        <p className="muted">{context?.scope ? 'No parent passed data to this node in the run shown.' : 'Run the flow (or open an execution) to see what this node receives, and drag its fields into the form.'}</p>
      ) : (
        <DataView value={input} label="Input data" drag={{}} initial="schema" />
      )}
    </details>
  );
}
