import { useEffect, useRef, useState, type MouseEvent, type ReactNode } from 'react';
import { api, messageOf } from '../api/client';
import type { Execution, ExecutionSummary } from '../api/types';
import { navigate } from '../app/router';
import { childRuns, linkedRun, runTime, startedBy, stepSummary, type LinkedRun } from '../lib/execution-detail';
import { ago } from '../lib/flows-list';
import { formatRoute, type Route } from '../lib/route';

/** A link to another screen of the app that changes route without reloading the page. */
function RouteLink({ to, label, children }: { to: Route; label?: string; children: ReactNode }) {
  const go = (e: MouseEvent) => {
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={formatRoute(to)} onClick={go} aria-label={label}>
      {children}
    </a>
  );
}

function RunLink({ sid, run, prefix }: { sid: string; run: LinkedRun; prefix: string }) {
  return (
    <RouteLink to={{ screen: 'executions', sid, executionId: run.id }} label={`${prefix}: ${run.label}`}>
      {run.flowName} · <span className={`status status-${run.status}`}>{run.status}</span> · {run.when}
    </RouteLink>
  );
}

type Parent = { state: 'none' } | { state: 'loading' } | { state: 'found'; run: ExecutionSummary } | { state: 'gone'; id: string };

/**
 * One execution of the executions screen: what it ran and how it went, where it opens on the canvas, the
 * execution whose flow.call started it and the sub-flow runs it started, each shown here in its turn.
 */
export function ExecutionDetail({ sid, id, names, refreshKey }: { sid: string; id: string; names: ReadonlyMap<string, string>; refreshKey: unknown }) {
  const [execution, setExecution] = useState<Execution | null>(null);
  const [parent, setParent] = useState<Parent>({ state: 'none' });
  const [error, setError] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const base = `/api/subaccounts/${sid}/executions`;

  useEffect(() => {
    let live = true;
    setError(null);
    api<Execution>('GET', `${base}/${encodeURIComponent(id)}`).then(
      (e) => {
        if (!live) return;
        setExecution(e);
        if (!e.parentExecutionId) return setParent({ state: 'none' });
        const parentId = e.parentExecutionId;
        setParent({ state: 'loading' });
        api<ExecutionSummary>('GET', `${base}/${encodeURIComponent(parentId)}`).then(
          (p) => live && setParent({ state: 'found', run: p }),
          () => live && setParent({ state: 'gone', id: parentId }),
        );
      },
      (err) => live && setError(`This execution cannot be shown: ${messageOf(err)}`),
    );
    return () => {
      live = false;
    };
  }, [base, id, refreshKey]);

  // Following a parent or child link replaces what the screen shows: the focus goes to its heading.
  const shownId = execution?.id;
  useEffect(() => {
    if (shownId) heading.current?.focus();
  }, [shownId]);

  const close = { screen: 'executions', sid } as const;
  if (error)
    return (
      <section className="execution-detail" aria-label="Execution details">
        <p role="alert" className="error">
          {error}
        </p>
        <RouteLink to={close}>Back to the list</RouteLink>
      </section>
    );
  if (!execution || execution.id !== id) return <p className="execution-detail muted">Loading the execution…</p>;
  const flowName = names.get(execution.flowId) ?? `flow ${execution.flowId}`;
  const children = childRuns(execution.children, names);
  return (
    <section className="execution-detail" aria-label="Execution details" data-execution={execution.id}>
      <header>
        <h2 ref={heading} tabIndex={-1}>
          {flowName} <span className={`status status-${execution.status}`}>{execution.status}</span>
        </h2>
        <RouteLink to={close} label="Close the execution details">
          ✕
        </RouteLink>
      </header>
      <dl>
        <dt>Started</dt>
        <dd>
          {ago(execution.startedAt ?? execution.createdAt)} {startedBy(execution.trigger?.type)}
          {execution.mode === 'test' ? ' (test run)' : ''}, version {execution.flowVersion}, {runTime(execution)}
        </dd>
        <dt>Steps</dt>
        <dd>{stepSummary(execution.steps)}</dd>
        {execution.error && (
          <>
            <dt>Error</dt>
            <dd className="error">{execution.error.message}</dd>
          </>
        )}
      </dl>
      <p>
        <RouteLink to={{ screen: 'flow', sid, fid: execution.flowId, executionId: execution.id }}>Open on the canvas</RouteLink>
      </p>
      {parent.state !== 'none' && (
        <div className="execution-links">
          <h3>Started by</h3>
          {parent.state === 'found' ? (
            <RunLink sid={sid} run={linkedRun(parent.run, names)} prefix="Parent execution" />
          ) : parent.state === 'gone' ? (
            <span className="muted">a flow.call of an execution that is no longer there ({parent.id})</span>
          ) : (
            <span className="muted">Loading…</span>
          )}
        </div>
      )}
      {children.length > 0 && (
        <div className="execution-links">
          <h3>Sub-flow runs it started ({children.length})</h3>
          <ul>
            {children.map((c) => (
              <li key={c.id}>
                <RunLink sid={sid} run={c} prefix="Sub-flow run" />
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
