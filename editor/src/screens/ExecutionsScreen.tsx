import { useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { api, messageOf } from '../api/client';
import type { ExecutionSummary, Flow, Page } from '../api/types';
import { navigate, useRoute } from '../app/router';
import { useSession } from '../app/session';
import { Listing } from '../components/Listing';
import { ListTable } from '../components/ListTable';
import { formatRoute } from '../lib/route';
import { executionActions, executionsQuery, type ExecutionFilters } from '../lib/executions';
import { ago } from '../lib/flows-list';
import { ExecutionDetail } from './ExecutionDetail';
import { ExecutionsTimeFilter } from './ExecutionsTimeFilter';
import '../styles/executions.css';

const STATUSES = ['', 'queued', 'running', 'waiting', 'succeeded', 'failed', 'cancelled'];

/**
 * Every execution of the sub-account, newest first, filtered by flow, status and time; a row opens on the
 * canvas, shows its details here (with the parent that started it and the sub-flow runs it started),
 * links a sub-flow's run to its parent, and offers cancel or retry to those who may.
 */
export function ExecutionsScreen({ sid }: { sid: string }) {
  const base = `/api/subaccounts/${sid}`;
  // The execution whose details show above the list (`?execution=<id>`, so it can be shared and gone back to).
  const route = useRoute();
  const detailId = route.screen === 'executions' ? route.executionId : undefined;
  const showDetail = (id: string) => (e: MouseEvent) => {
    e.preventDefault();
    navigate({ screen: 'executions', sid, executionId: id });
  };
  const role = useSession((s) => s.me?.user?.role);
  const [items, setItems] = useState<ExecutionSummary[] | null>(null);
  const [flows, setFlows] = useState<Flow[]>([]);
  const [filters, setFilters] = useState<ExecutionFilters>({ flowId: '', status: '', time: { kind: 'any' } });
  const [reloads, setReloads] = useState(0);
  const [error, setError] = useState<string | null>(null);
  // The next page of the same query ("last hour" as it was when the first page was asked for).
  const [older, setOlder] = useState<{ query: string; cursor: string } | null>(null);
  // The query of the list on screen: an older page that arrives after the filters changed is dropped.
  const shownQuery = useRef('');
  // An action's failure, shown in the row it was taken on.
  const [rowError, setRowError] = useState<{ id: string; text: string } | null>(null);

  useEffect(() => {
    api<Page<Flow>>('GET', `${base}/flows?limit=200`).then((p) => setFlows(p.items), (err) => setError(messageOf(err)));
  }, [base]);
  useEffect(() => {
    const asked = executionsQuery(filters, Date.now());
    if ('error' in asked) return setError(asked.error);
    setError(null);
    setOlder(null);
    shownQuery.current = asked.query;
    let live = true;
    api<Page<ExecutionSummary>>('GET', `${base}/executions?${asked.query}`).then(
      (p) => {
        if (!live) return;
        setItems(p.items);
        setOlder(p.nextCursor ? { query: asked.query, cursor: p.nextCursor } : null);
      },
      (err) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [base, filters, reloads]);

  const act = useCallback(
    async (e: ExecutionSummary, action: 'cancel' | 'retry') => {
      setRowError(null);
      try {
        if (action === 'cancel') {
          const cancelled = await api<ExecutionSummary>('POST', `${base}/executions/${e.id}/cancel`);
          setItems((list) => list && list.map((x) => (x.id === e.id ? cancelled : x)));
        } else {
          await api<{ executionId: string }>('POST', `${base}/executions/${e.id}/retry`);
          setReloads((n) => n + 1);
        }
      } catch (err) {
        setRowError({ id: e.id, text: `Not ${action === 'cancel' ? 'cancelled' : 'retried'}: ${messageOf(err)}` });
      }
    },
    [base],
  );

  async function showOlder(page: { query: string; cursor: string }) {
    try {
      const next = await api<Page<ExecutionSummary>>('GET', `${base}/executions?${page.query}&cursor=${encodeURIComponent(page.cursor)}`);
      if (shownQuery.current !== page.query) return;
      setItems((list) => [...(list ?? []), ...next.items]);
      setOlder(next.nextCursor ? { query: page.query, cursor: next.nextCursor } : null);
    } catch (err) {
      setError(`Older executions cannot be shown: ${messageOf(err)}`);
    }
  }

  const names = useMemo(() => new Map(flows.map((f) => [f.id, f.name])), [flows]);
  return (
    <main className="page">
      <div className="page-head executions-filters" role="group" aria-label="Filter executions">
        <h1>Executions</h1>
        <select aria-label="Flow" value={filters.flowId} onChange={(e) => setFilters((f) => ({ ...f, flowId: e.target.value }))}>
          <option value="">All flows</option>
          {flows.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
        <select aria-label="Status" value={filters.status} onChange={(e) => setFilters((f) => ({ ...f, status: e.target.value }))}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s || 'Any status'}
            </option>
          ))}
        </select>
        <ExecutionsTimeFilter value={filters.time} onChange={(time) => setFilters((f) => ({ ...f, time }))} />
        <button type="button" onClick={() => setReloads((n) => n + 1)}>
          Refresh
        </button>
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {detailId && <ExecutionDetail sid={sid} id={detailId} names={names} refreshKey={reloads} />}
      <Listing items={items} empty="No executions match.">
        {(items) => (
          <ListTable label="Executions" columns={['Flow', 'Status', 'Trigger', 'Started', 'Version']} actions>
            {items.map((e) => {
              const offers = executionActions(e, role);
              const flowName = names.get(e.flowId) ?? e.flowId;
              const onCanvas = { screen: 'flow', sid, fid: e.flowId, executionId: e.id } as const;
              return (
                <tr key={e.id} aria-current={e.id === detailId ? 'true' : undefined}>
                  <td>
                    <a href={formatRoute(onCanvas)} onClick={(ev) => (ev.preventDefault(), navigate(onCanvas))}>
                      {flowName}
                    </a>
                    {e.parentExecutionId && (
                      <>
                        {' '}
                        <a href={formatRoute({ screen: 'executions', sid, executionId: e.parentExecutionId })} onClick={showDetail(e.parentExecutionId)} aria-label={`Show the parent execution of this ${flowName} run`}>
                          ↑ parent
                        </a>
                      </>
                    )}
                  </td>
                  <td>
                    <span className={`status status-${e.status}`}>{e.status}</span>
                  </td>
                  <td>{e.trigger?.type}</td>
                  <td>{ago(e.startedAt ?? e.createdAt)}</td>
                  <td>v{e.flowVersion}</td>
                  <td>
                    <a href={formatRoute({ screen: 'executions', sid, executionId: e.id })} onClick={showDetail(e.id)} aria-label={`Details of this ${e.status} ${flowName} execution`}>
                      Details
                    </a>
                    {offers.cancel && (
                      <button type="button" onClick={() => void act(e, 'cancel')} aria-label={`Cancel this ${e.status} ${flowName} execution`}>
                        Cancel
                      </button>
                    )}
                    {offers.retry && (
                      <button type="button" onClick={() => void act(e, 'retry')} aria-label={`Retry this ${e.status} ${flowName} execution`}>
                        Retry
                      </button>
                    )}
                    {rowError?.id === e.id && (
                      <span role="alert" className="error">
                        {rowError.text}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </ListTable>
        )}
      </Listing>
      {older && (
        <button type="button" className="show-older" onClick={() => void showOlder(older)}>
          Show older executions
        </button>
      )}
    </main>
  );
}
