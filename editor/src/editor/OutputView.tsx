import { useState } from 'react';
import { attemptsOf } from '../lib/attempts';
import type { NodeRun } from '../lib/overlay';
import { DataView } from './DataView';
import { useNodeScope } from './node-scope';
import { onTabListKey } from '../components/tab-keys';

type Section = 'input' | 'output' | 'error' | 'logs' | 'attempts';

const LABELS: Record<Section, string> = { input: 'Input', output: 'Output', error: 'Error', logs: 'Logs', attempts: 'Attempts' };

/**
 * A node's last run: what it received, what it gave, its error, logs and attempts, each as a table, JSON
 * or schema. Fields of the input drag as `$json…`, fields of the output as `$node.<id>…`.
 */
export function OutputView({ nodeId, run }: { nodeId: string; run: NodeRun | undefined }) {
  const input = useNodeScope(nodeId)?.scope?.json;
  const [section, setSection] = useState<Section>(() => (run?.status === 'failed' ? 'error' : run?.output !== undefined ? 'output' : 'input'));
  if (!run) return <p className="muted">This node has not run yet. Run the flow to see its output.</p>;
  const attempts = attemptsOf(run);
  const logs = run.logs ?? [];
  const counts: Partial<Record<Section, number>> = { logs: logs.length, attempts: attempts.length };
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
      <div role="tablist" aria-label="Step data" className="tabs data-tabs" onKeyDown={onTabListKey}>
        {(Object.keys(LABELS) as Section[]).map((s) => (
          <button key={s} role="tab" type="button" aria-selected={section === s} tabIndex={section === s ? 0 : -1} onClick={() => setSection(s)}>
            {LABELS[s]}
            {counts[s] ? ` (${counts[s]})` : ''}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={LABELS[section]}>
        {section === 'input' ? (
          input === undefined ? <p className="muted">No input known for this run (a trigger started it, or no parent passed data).</p> : <DataView key="input" value={input} label="Input" drag={{}} />
        ) : section === 'output' ? (
          run.output === undefined || run.output === null ? <p className="muted">No output{run.status === 'skipped' ? ': the node was skipped.' : '.'}</p> : <DataView key="output" value={run.output} label="Output" drag={{ nodeId }} />
        ) : section === 'error' ? (
          run.error ? <DataView key="error" value={run.error} label="Error" initial="json" /> : <p className="muted">No error.</p>
        ) : section === 'logs' ? (
          logs.length ? <DataView key="logs" value={logs} label="Logs" initial="table" /> : <p className="muted">No logs{run.logs ? '' : ' yet: they arrive with the finished execution'}.</p>
        ) : (
          <DataView key="attempts" value={attempts} label="Attempts" initial="table" />
        )}
      </div>
    </div>
  );
}
