import { useEffect, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { ExecutionSummary, Page } from '../api/types';
import { Listing } from '../components/Listing';
import { ago } from '../lib/flows-list';

/** This flow's executions, newest first: open one on the canvas, retry a failed one. */
export function ExecutionsPanel({ base, flowId, refreshKey, openedId, onOpen, onRetry }: { base: string; flowId: string; refreshKey: unknown; openedId?: string; onOpen(id: string): void; onRetry(id: string): void }) {
  const [items, setItems] = useState<ExecutionSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<Page<ExecutionSummary>>('GET', `${base}/executions?flowId=${flowId}&limit=50`).then(
      (p) => setItems(p.items),
      (err) => setError(messageOf(err)),
    );
  }, [base, flowId, refreshKey]);
  return (
    <aside className="panel" aria-label="Executions of this flow">
      <header>
        <h2>Executions</h2>
      </header>
      {error && <p role="alert" className="error">{error}</p>}
      <Listing items={items} empty="No executions yet." emptyClassName="muted">
        {(items) => (
          <ul className="executions">
            {items.map((e) => (
              <li key={e.id} className={e.id === openedId ? 'opened' : ''}>
                <button type="button" className="link" onClick={() => onOpen(e.id)} aria-label={`Open execution ${e.status} ${ago(e.createdAt)}`}>
                  <span className={`status status-${e.status}`}>{e.status}</span> {e.trigger?.type}
                  {e.mode === 'test' ? ' (test)' : ''} · v{e.flowVersion} · {ago(e.createdAt)}
                </button>
                {(e.status === 'failed' || e.status === 'cancelled') && (
                  <button type="button" onClick={() => onRetry(e.id)}>
                    Retry
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </Listing>
    </aside>
  );
}
