import { useEffect, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { ExecutionSummary, Flow, Page } from '../api/types';
import { navigate } from '../app/router';
import { Listing } from '../components/Listing';
import { ListTable } from '../components/ListTable';
import { ago } from '../lib/flows-list';

const STATUSES = ['', 'queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'];

/** Every execution of the sub-account, newest first, filtered by flow and status; a row opens on the canvas. */
export function ExecutionsScreen({ sid }: { sid: string }) {
  const base = `/api/subaccounts/${sid}`;
  const [items, setItems] = useState<ExecutionSummary[] | null>(null);
  const [flows, setFlows] = useState<Flow[]>([]);
  const [flowId, setFlowId] = useState('');
  const [status, setStatus] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api<Page<Flow>>('GET', `${base}/flows?limit=200`).then((p) => setFlows(p.items), (err) => setError(messageOf(err)));
  }, [base]);
  useEffect(() => {
    const query = new URLSearchParams({ limit: '100', ...(flowId ? { flowId } : {}), ...(status ? { status } : {}) });
    api<Page<ExecutionSummary>>('GET', `${base}/executions?${query}`).then((p) => setItems(p.items), (err) => setError(messageOf(err)));
  }, [base, flowId, status]);

  const names = new Map(flows.map((f) => [f.id, f.name]));
  return (
    <main className="page">
      <div className="page-head">
        <h1>Executions</h1>
        <select aria-label="Flow" value={flowId} onChange={(e) => setFlowId(e.target.value)}>
          <option value="">All flows</option>
          {flows.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
        <select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s || 'Any status'}
            </option>
          ))}
        </select>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <Listing items={items} empty="No executions match.">
        {(items) => (
          <ListTable label="Executions" columns={['Flow', 'Status', 'Trigger', 'Started', 'Version']}>
            {items.map((e) => (
              <tr key={e.id}>
                <td>
                  <a href="#" onClick={(ev) => (ev.preventDefault(), navigate({ screen: 'flow', sid, fid: e.flowId, executionId: e.id }))}>
                    {names.get(e.flowId) ?? e.flowId}
                  </a>
                </td>
                <td>
                  <span className={`status status-${e.status}`}>{e.status}</span>
                </td>
                <td>{e.trigger?.type}</td>
                <td>{ago(e.startedAt ?? e.createdAt)}</td>
                <td>v{e.flowVersion}</td>
              </tr>
            ))}
          </ListTable>
        )}
      </Listing>
    </main>
  );
}
