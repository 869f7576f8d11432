import { lazy, Suspense, useState, type KeyboardEvent } from 'react';
import type { Flow } from '../api/types';
import { rename, setConfig } from '../lib/graph';
import { useEditor, useEditorStore } from './context';
import { InputData } from './InputData';
import { OutputView } from './OutputView';
import { DebugTools } from './DebugTools';
import { NodeConnections } from './NodeConnections';
import { SavedScheduleContext, type SavedSchedule } from './form/saved-schedule';
import { onTabListKey } from '../components/tab-keys';

const ConfigForm = lazy(() => import('./form/ConfigForm'));

/** Escape in the panel (one no list or editor inside it took) takes the keyboard back to the node on the canvas. */
function backToCanvas(e: KeyboardEvent, id: string) {
  if (e.key !== 'Escape' || e.defaultPrevented) return;
  const card = document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(id)}"]`);
  if (!card) return;
  e.preventDefault();
  card.focus();
}

/** The selected node: its name, its config form, its webhook URL, and its last run's output. */
export function NodePanel({ id, flow, sid, editable, onConnect }: { id: string; flow: Flow; sid: string; editable: boolean; onConnect(port: string): void }) {
  const store = useEditorStore();
  const node = useEditor((s) => s.nodes.get(id));
  const type = useEditor((s) => (node ? s.catalog.get(node.type) : undefined));
  const run = useEditor((s) => s.overlay?.nodes[id]);
  const errors = useEditor((s) => s.errors.get(id));
  const [tab, setTab] = useState<'settings' | 'output'>(run ? 'output' : 'settings');
  const [copied, setCopied] = useState(false);
  if (!node) return null;
  const trigger = flow.triggers.find((t) => t.nodeId === id);
  const url = trigger?.url;
  const schedule: SavedSchedule = { cron: flow.graph.nodes.find((n) => n.id === id)?.config?.cron as string | undefined, nextRuns: trigger?.nextRuns };

  return (
    <aside className="panel" aria-label={`Node ${node.name || id}`} tabIndex={-1} data-node-panel onKeyDown={(e) => backToCanvas(e, id)}>
      <header>
        <h2>{node.name || type?.title || node.type}</h2>
        <p className="muted">
          <code>{node.type}</code> · id <code>{id}</code>
        </p>
      </header>
      <DebugTools id={id} onRan={() => setTab('output')} />
      <div role="tablist" className="tabs" aria-label="Node panel" onKeyDown={onTabListKey}>
        <button role="tab" type="button" aria-selected={tab === 'settings'} tabIndex={tab === 'settings' ? 0 : -1} onClick={() => setTab('settings')}>
          Settings
        </button>
        <button role="tab" type="button" aria-selected={tab === 'output'} tabIndex={tab === 'output' ? 0 : -1} onClick={() => setTab('output')}>
          Output{run ? ` (${run.status})` : ''}
        </button>
      </div>
      {tab === 'output' ? (
        <OutputView nodeId={id} run={run} />
      ) : (
        <div className="settings">
          {type?.description && <p className="field-description">{type.description}</p>}
          {errors && (
            <ul className="error" role="alert">
              {errors.map((e, i) => (
                <li key={i}>{e}</li>
              ))}
            </ul>
          )}
          <label>
            Name
            <input value={node.name ?? ''} placeholder={type?.title} disabled={!editable} onChange={(e) => store.getState().edit('rename', (d) => rename(d, id, e.target.value), { coalesce: `name:${id}` })} />
          </label>
          <NodeConnections id={id} editable={editable} onConnect={onConnect} />
          {node.type === 'trigger.webhook' && (
            <div className="webhook-url">
              <span>Webhook URL</span>
              {url ? (
                <>
                  <code data-testid="webhook-url">{url}</code>
                  <button
                    type="button"
                    onClick={() =>
                      void navigator.clipboard?.writeText(url).then(() => {
                        setCopied(true);
                        setTimeout(() => setCopied(false), 1500);
                      })
                    }
                  >
                    {copied ? 'Copied' : 'Copy'}
                  </button>
                </>
              ) : (
                <span className="muted">Save the flow to get its URL.</span>
              )}
            </div>
          )}
          <InputData nodeId={id} />
          {type ? (
            <Suspense fallback={<p>Loading the form…</p>}>
              <SavedScheduleContext.Provider value={schedule}>
              <ConfigForm
                key={id}
                type={type}
                sid={sid}
                config={node.config ?? {}}
                disabled={!editable}
                onChange={(config) => {
                  const current = store.getState().nodes.get(id)?.config ?? {};
                  if (JSON.stringify(current) === JSON.stringify(config)) return;
                  store.getState().edit('config', (d) => setConfig(d, store.getState().catalog, id, config), { coalesce: `config:${id}` });
                }}
              />
              </SavedScheduleContext.Provider>
            </Suspense>
          ) : (
            <p className="error">Unknown node type {node.type}.</p>
          )}
        </div>
      )}
    </aside>
  );
}
