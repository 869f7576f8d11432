import { useEffect, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { Execution } from '../api/types';
import { goToExecution, openExecution, type OpenHere } from '../app/open-execution';
import { ago } from '../lib/flows-list';

/** The execution shown on the canvas, linked to the run whose flow.call started it and to the runs it started. */
export function ExecutionFamily({ sid, executionId, refreshKey, here }: { sid: string; executionId: string; refreshKey: unknown; here: OpenHere }) {
  const [execution, setExecution] = useState<Execution | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api<Execution>('GET', `/api/subaccounts/${sid}/executions/${encodeURIComponent(executionId)}`).then(
      (e) => live && setExecution(e),
      // A run just started is not always stored yet: its links show on the next refresh.
      () => live && setExecution(null),
    );
    return () => {
      live = false;
    };
  }, [sid, executionId, refreshKey]);
  if (!execution || execution.id !== executionId) return null;
  const children = execution.children ?? [];
  if (!execution.parentExecutionId && children.length === 0) return null;
  return (
    <section className="execution-family" aria-label="Sub-flow runs of the execution on the canvas">
      {error && <p role="alert" className="error">{error}</p>}
      {execution.parentExecutionId && (
        <p>
          Started by a flow.call of{' '}
          <button type="button" className="link" onClick={() => openExecution(sid, execution.parentExecutionId!, here).catch((err) => setError(`The parent execution cannot be opened: ${messageOf(err)}`))}>
            its parent execution
          </button>
        </p>
      )}
      {children.length > 0 && (
        <>
          <h3>Sub-flow runs it started</h3>
          <ul>
            {children.map((c) => (
              <li key={c.id}>
                <button type="button" className="link" onClick={() => goToExecution(sid, c, here)} aria-label={`Open child execution ${c.status} ${ago(c.createdAt)}`}>
                  <span className={`status status-${c.status}`}>{c.status}</span> · {ago(c.createdAt)}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
