import { useEffect, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { ExecutionSummary, Page } from '../api/types';
import { useSession } from '../app/session';
import { Listing } from '../components/Listing';
import { executionActions } from '../lib/executions';
import { ago } from '../lib/flows-list';
import { ExecutionFamily } from './ExecutionFamily';
import '../styles/executions.css';

/**
 * This flow's executions, newest first: open one on the canvas, retry a failed one, cancel one still going;
 * the one on the canvas links to its parent and child runs.
 */
export function ExecutionsPanel({ sid, base, flowId, refreshKey, openedId, onOpen, onRetry }: { sid: string; base: string; flowId: string; refreshKey: unknown; openedId?: string; onOpen(id: string): void; onRetry(id: string): void }) {
  const role = useSession((s) => s.me?.user?.role);
  const [items, setItems] = useState<ExecutionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [cancels, setCancels] = useState(0);
  useEffect(() => {
    api<Page<ExecutionSummary>>('GET', `${base}/executions?flowId=${flowId}&limit=50`).then(
      (p) => setItems(p.items),
      (err) => setError(messageOf(err)),
    );
  }, [base, flowId, refreshKey, cancels]);

  async function cancel(id: string) {
    setError(null);
    try {
      await api<ExecutionSummary>('POST', `${base}/executions/${id}/cancel`);
    } catch (err) {
      setError(`Not cancelled: ${messageOf(err)}`);
    }
    setCancels((n) => n + 1);
  }

  return (
    <aside className="panel" aria-label="Executions of this flow">
      <header>
        <h2>Executions</h2>
      </header>
      {error && <p role="alert" className="error">{error}</p>}
      {openedId && <ExecutionFamily sid={sid} executionId={openedId} refreshKey={`${String(refreshKey)}-${cancels}`} here={{ flowId, open: onOpen }} />}
      <Listing items={items} empty="No executions yet." emptyClassName="muted">
        {(items) => (
          <ul className="executions">
            {items.map((e) => {
              const offers = executionActions(e, role);
              return (
                <li key={e.id} className={e.id === openedId ? 'opened' : ''}>
                  <button type="button" className="link" onClick={() => onOpen(e.id)} aria-label={`Open execution ${e.status} ${ago(e.createdAt)}`}>
                    <span className={`status status-${e.status}`}>{e.status}</span> {e.trigger?.type}
                    {e.mode === 'test' ? ' (test)' : ''} · v{e.flowVersion} · {ago(e.createdAt)}
                  </button>
                  {offers.retry && (
                    <button type="button" onClick={() => onRetry(e.id)}>
                      Retry
                    </button>
                  )}
                  {offers.cancel && (
                    <button type="button" onClick={() => void cancel(e.id)} aria-label={`Cancel execution ${e.status} ${ago(e.createdAt)}`}>
                      Cancel
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </Listing>
    </aside>
  );
}
