import { useCallback, useEffect, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { ExecutionSummary, Flow, Page } from '../api/types';
import { navigate } from '../app/router';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { FormFooter } from '../components/FormFooter';
import { Listing } from '../components/Listing';
import { ListTable } from '../components/ListTable';
import { ago, lastExecutions, searchFlows, starterGraph } from '../lib/flows-list';
import { TemplatesDialog } from './TemplatesDialog';

type Pending = { kind: 'create' } | { kind: 'template' } | { kind: 'rename'; flow: Flow } | { kind: 'delete'; flow: Flow } | null;

function download(name: string, value: unknown) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: `${name.replace(/[^\w-]+/g, '-')}.json` });
  a.click();
  URL.revokeObjectURL(url);
}

export function FlowsScreen({ sid, editable }: { sid: string; editable: boolean }) {
  const base = `/api/subaccounts/${sid}`;
  const [flows, setFlows] = useState<Flow[] | null>(null);
  const [last, setLast] = useState(new Map<string, ExecutionSummary>());
  const [search, setSearch] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending>(null);

  const load = useCallback(async () => {
    try {
      const [list, executions] = await Promise.all([api<Page<Flow>>('GET', `${base}/flows?limit=200`), api<Page<ExecutionSummary>>('GET', `${base}/executions?limit=200`)]);
      setFlows(list.items);
      setLast(lastExecutions(executions.items));
    } catch (err) {
      setError(messageOf(err));
    }
  }, [base]);

  useEffect(() => {
    setFlows(null);
    void load();
  }, [load]);

  const act = (work: () => Promise<unknown>) => async () => {
    setError(null);
    try {
      await work();
      await load();
    } catch (err) {
      setError(messageOf(err));
    }
  };

  async function importFile(file: File) {
    setError(null);
    try {
      const doc = JSON.parse(await file.text());
      const flow = await api<Flow>('POST', `${base}/flows/import`, doc);
      navigate({ screen: 'flow', sid, fid: flow.id });
    } catch (err) {
      setError(err instanceof SyntaxError ? `${file.name} is not JSON: ${err.message}` : messageOf(err));
    }
  }

  const shown = flows ? searchFlows(flows, search) : [];
  return (
    <main className="page">
      <div className="page-head">
        <h1>Flows</h1>
        <input type="search" aria-label="Search flows" placeholder="Search flows" value={search} onChange={(e) => setSearch(e.target.value)} />
        {editable && (
          <>
            <label className="button">
              Import JSON
              <input type="file" accept="application/json,.json" className="sr-only" onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])} />
            </label>
            <button type="button" onClick={() => setPending({ kind: 'template' })}>
              From a template
            </button>
            <button type="button" className="primary" onClick={() => setPending({ kind: 'create' })}>
              New flow
            </button>
          </>
        )}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      <Listing items={flows} empty={`No flows yet.${editable ? ' Create one to start automating.' : ''}`}>
        {() => (
          <ListTable label="Flows" columns={['Name', 'Active', 'Last execution', 'Version']} actions>
            {shown.map((flow) => {
              const run = last.get(flow.id);
              return (
                <tr key={flow.id} data-flow={flow.name}>
                  <td>
                    <a href={`/s/${sid}/flows/${flow.id}`} onClick={(e) => (e.preventDefault(), navigate({ screen: 'flow', sid, fid: flow.id }))}>
                      {flow.name}
                    </a>
                  </td>
                  <td>
                    <label className="toggle">
                      <input
                        type="checkbox"
                        checked={flow.active}
                        disabled={!editable}
                        aria-label={`Active: ${flow.name}`}
                        onChange={act(() => api('POST', `${base}/flows/${flow.id}/${flow.active ? 'deactivate' : 'activate'}`))}
                      />
                      {flow.active ? 'on' : 'off'}
                    </label>
                  </td>
                  <td>{run ? <span className={`status status-${run.status}`}>{run.status}</span> : <span className="muted">never run</span>} <span className="muted">{ago(run?.createdAt)}</span></td>
                  <td>v{flow.version}</td>
                  <td className="actions">
                    <button type="button" onClick={act(async () => download(flow.name, await api('GET', `${base}/flows/${flow.id}/export`)))}>
                      Export
                    </button>
                    {editable && (
                      <>
                        <button type="button" onClick={act(async () => api('POST', `${base}/flows/import`, { ...(await api<object>('GET', `${base}/flows/${flow.id}/export`)), name: `${flow.name} (copy)`.slice(0, 200) }))}>
                          Duplicate
                        </button>
                        <button type="button" onClick={() => setPending({ kind: 'rename', flow })}>
                          Rename
                        </button>
                        <button type="button" className="danger" onClick={() => setPending({ kind: 'delete', flow })}>
                          Delete
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </ListTable>
        )}
      </Listing>
      {pending?.kind === 'create' || pending?.kind === 'rename' ? (
        <NameDialog
          title={pending.kind === 'create' ? 'New flow' : `Rename ${pending.flow.name}`}
          initial={pending.kind === 'rename' ? pending.flow.name : ''}
          onClose={() => setPending(null)}
          onSubmit={async (name) => {
            if (pending.kind === 'create') {
              const flow = await api<Flow>('POST', `${base}/flows`, { name, graph: starterGraph() });
              navigate({ screen: 'flow', sid, fid: flow.id });
            } else {
              await api('PUT', `${base}/flows/${pending.flow.id}`, { name });
              setPending(null);
              await load();
            }
          }}
        />
      ) : null}
      {pending?.kind === 'template' && <TemplatesDialog sid={sid} onClose={() => setPending(null)} onCreated={(flow) => navigate({ screen: 'flow', sid, fid: flow.id })} />}
      {pending?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${pending.flow.name}?`}
          onClose={() => setPending(null)}
          onConfirm={act(async () => {
            await api('DELETE', `${base}/flows/${pending.flow.id}`);
            setPending(null);
          })}
        >
          The flow, its versions and its executions are deleted. This cannot be undone.
        </ConfirmDialog>
      )}
    </main>
  );
}

function NameDialog({ title, initial, onClose, onSubmit }: { title: string; initial: string; onClose(): void; onSubmit(name: string): Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title={title} onClose={onClose}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await onSubmit(String(new FormData(e.currentTarget).get('name')).trim());
          } catch (err) {
            setError(messageOf(err));
          }
        }}
      >
        <label>
          Name
          <input name="name" defaultValue={initial} required maxLength={200} autoFocus />
        </label>
        <FormFooter error={error} submitLabel="Save" onCancel={onClose} />
      </form>
    </Dialog>
  );
}
