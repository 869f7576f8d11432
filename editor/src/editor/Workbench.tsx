import { useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, messageOf } from '../api/client';
import type { Execution, Flow, FlowGraph, FlowVersion, NodeType } from '../api/types';
import { navigate, setNavigationGuard } from '../app/router';
import { Dialog } from '../components/Dialog';
import { initialConfig } from '../lib/defaults';
import { draftToOffer, dropDraft, type Draft } from '../lib/draft';
import { addNode, moveNodes, normalise, toDocument } from '../lib/graph';
import { newNodeId } from '../lib/ids';
import { overlayOf } from '../lib/overlay';
import { mapErrors } from '../lib/validation';
import { Canvas } from './Canvas';
import { ConflictDialog } from './ConflictDialog';
import { HistoryPanel } from './HistoryPanel';
import { useLiveOverlay } from './live-overlay';
import { useLocalDraft } from './local-draft';
import { useEditor, useEditorStore } from './context';
import { ExecutionsPanel } from './ExecutionsPanel';
import { NodePanel } from './NodePanel';
import { Palette } from './Palette';
import { RunDialog, type RunMode } from './RunDialog';
import { DebugContext } from './debug-context';
import { pinsToSave } from '../lib/pins';
import { LastRunStatus, Timeline } from './Timeline';
import { useShortcuts } from './shortcuts';
import { ConnectDialog, type ConnectFrom } from './ConnectDialog';

interface Notice {
  kind: 'info' | 'error';
  text: string;
  list?: string[];
}

/** The open flow: toolbar, palette, canvas and side panel, and the calls they make. */
export function Workbench({ sid, initialFlow, types, editable, executionId }: { sid: string; initialFlow: Flow; types: NodeType[]; editable: boolean; executionId?: string }) {
  const store = useEditorStore();
  const view = useReactFlow();
  const base = `/api/subaccounts/${sid}`;
  const [flow, setFlow] = useState(initialFlow);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [busy, setBusy] = useState(false);
  const [running, setRunning] = useState(false);
  const [help, setHelp] = useState(false);
  const [connecting, setConnecting] = useState<ConnectFrom | null>(null);
  const [side, setSide] = useState<'executions' | 'history' | null>(executionId ? 'executions' : null);
  const showExecutions = side === 'executions';
  // The version the document on the canvas was edited from: what a save names as its base.
  const baseRef = useRef(initialFlow.version);
  const baseVersion = useCallback(() => baseRef.current, []);
  const [conflict, setConflict] = useState<{ theirs: Flow; mine: FlowGraph } | null>(null);
  const [draftOffer, setDraftOffer] = useState<Draft | null>(() => (editable ? draftToOffer(localStorage, sid, initialFlow.id, store.getState().savedDoc) : null));
  const [refreshKey, setRefreshKey] = useState(0);
  const [openedId, setOpenedId] = useState<string | undefined>(executionId);
  const dirty = useEditor((s) => s.doc !== s.savedDoc);
  const canUndo = useEditor((s) => s.history.past.length > 0);
  const canRedo = useEditor((s) => s.history.future.length > 0);
  const selected = useEditor((s) => (s.selected.size === 1 ? [...s.selected][0] : null));
  const info = (text: string) => setNotice({ kind: 'info', text });
  const fail = (err: unknown) => setNotice({ kind: 'error', text: messageOf(err) });

  useLocalDraft(store, sid, flow.id, baseVersion, editable);

  /** Opens the server's current flow on the canvas (after a conflict, or a restore). */
  const adopt = useCallback(
    (current: Flow) => {
      store.getState().replaceDoc(normalise({ ...current.graph, notes: current.notes, pinData: current.pinData }));
      setFlow(current);
      baseRef.current = current.version;
    },
    [store],
  );

  /** After a 409 version_conflict: fetch what the others saved and offer reload / compare / overwrite. */
  const offerConflict = useCallback(
    async (mine: FlowGraph) => {
      const theirs = await api<Flow>('GET', `${base}/flows/${flow.id}`);
      setConflict({ theirs, mine });
      setNotice({ kind: 'error', text: `Not saved: someone saved version ${theirs.version} meanwhile.` });
    },
    [base, flow.id],
  );

  const save = useCallback(async (overBase?: number): Promise<boolean> => {
    const state = store.getState();
    const sentDoc = state.doc;
    const sent = toDocument(sentDoc);
    setBusy(true);
    try {
      const saved = await api<Flow>('PUT', `${base}/flows/${flow.id}`, { graph: sent, notes: sentDoc.notes ?? [], pinData: pinsToSave(sentDoc), baseVersion: overBase ?? baseRef.current });
      setFlow(saved);
      baseRef.current = saved.version;
      state.markSaved(sentDoc);
      info(`Saved: version ${saved.version}.`);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'version_conflict') await offerConflict(sentDoc).catch(fail);
      else if (err instanceof ApiError && err.details.length) {
        const mapped = mapErrors(err.details, sent);
        state.setErrors(mapped.byNode);
        setNotice({ kind: 'error', text: `Not saved: ${err.message}`, list: mapped.general });
      } else fail(err);
      return false;
    } finally {
      setBusy(false);
    }
  }, [store, base, flow.id, offerConflict]);

  /** Saves an old version's graph as a new version and opens it. */
  async function restore(version: FlowVersion): Promise<boolean> {
    if (store.getState().doc !== store.getState().savedDoc && !confirm('Restoring replaces your unsaved changes. Restore anyway?')) return false;
    try {
      const saved = await api<Flow>('PUT', `${base}/flows/${flow.id}`, { graph: toDocument(normalise(version.graph)), notes: version.notes ?? [], baseVersion: baseRef.current });
      adopt(saved);
      info(saved.version === flow.version ? `Version ${version.version} is the same graph as the current one: nothing to restore.` : `Restored version ${version.version} as version ${saved.version}.`);
      return true;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'version_conflict') info(`Not restored: someone saved the flow meanwhile. The history now shows their version; restore again if you still want version ${version.version}.`);
      else fail(err);
      if (err instanceof ApiError && err.code === 'version_conflict') void api<Flow>('GET', `${base}/flows/${flow.id}`).then((f) => store.getState().doc === store.getState().savedDoc && adopt(f), fail);
      return false;
    }
  }

  function restoreDraft(draft: Draft) {
    store.getState().edit('restore draft', (d) => {
      d.nodes = draft.graph.nodes;
      d.edges = draft.graph.edges;
      d.notes = draft.graph.notes ?? [];
      if (draft.graph.pinData) d.pinData = draft.graph.pinData;
      else delete d.pinData;
    });
    baseRef.current = draft.baseVersion;
    setDraftOffer(null);
    info(
      draft.baseVersion === flow.version
        ? 'Your unsaved changes are back. Save to keep them.'
        : `Your unsaved changes are back; they were made on version ${draft.baseVersion} and the flow is now at version ${flow.version}, so saving will ask what to do.`,
    );
  }

  const saveIfDirty = async () => (store.getState().doc === store.getState().savedDoc ? true : save());

  async function toggleActive() {
    if (!(await saveIfDirty())) return;
    try {
      setFlow(await api<Flow>('POST', `${base}/flows/${flow.id}/${flow.active ? 'deactivate' : 'activate'}`));
      info(flow.active ? 'Deactivated: triggers no longer start this flow.' : 'Active: its triggers now start it.');
    } catch (err) {
      fail(err);
    }
  }

  const watch = (id: string) => {
    setOpenedId(id);
    store.getState().setOverlay((o) => (o?.executionId === id ? o : { executionId: id, status: 'queued', nodes: {} }));
  };

  async function run(input: unknown, mode: RunMode) {
    if (!(await saveIfDirty())) throw new Error('Fix the flow before running it (see the nodes marked in red).');
    const { executionId: id } = await api<{ executionId: string }>('POST', `${base}/flows/${flow.id}/run`, { input, mode });
    watch(id);
    setRunning(false);
    setSide('executions');
    info('Running…');
  }

  const open = useCallback(
    async (id: string) => {
      try {
        const execution = await api<Execution>('GET', `${base}/executions/${id}`);
        setOpenedId(id);
        store.getState().setOverlay(overlayOf(execution));
        navigate({ screen: 'flow', sid, fid: flow.id, executionId: id }, { replace: true });
        info(execution.flowVersion === flow.version ? `Execution ${execution.status}.` : `Execution ${execution.status}; it ran version ${execution.flowVersion}, the canvas shows version ${flow.version}.`);
      } catch (err) {
        fail(err);
      }
    },
    [base, sid, flow.id, flow.version, store],
  );

  async function retry(id: string) {
    try {
      const { executionId: next } = await api<{ executionId: string }>('POST', `${base}/executions/${id}/retry`);
      watch(next);
      setRefreshKey((k) => k + 1);
      info('Retrying from the failed step…');
    } catch (err) {
      fail(err);
    }
  }

  const add = useCallback(
    (type: NodeType, at: { x: number; y: number }) => {
      const id = newNodeId(type.type, store.getState().nodes.keys());
      store.getState().edit('add', (d) => addNode(d, { id, type: type.type, config: initialConfig(type), position: { x: Math.round(at.x), y: Math.round(at.y) } }));
      store.getState().select([id]);
    },
    [store],
  );

  async function layout() {
    const { autoLayout } = await import('../lib/layout');
    const positions = autoLayout(store.getState().doc);
    store.getState().edit('layout', (d) => moveNodes(d, positions));
    requestAnimationFrame(() => void view.fitView({ duration: 200 }));
  }

  // Live status of every execution of this flow (manual runs, webhooks, schedules), batched per frame.
  useLiveOverlay(store, base, flow.id, {
    started: (id) => setOpenedId(id),
    finished: (event) => {
      setRefreshKey((k) => k + 1);
      setNotice({ kind: event.status === 'succeeded' ? 'info' : 'error', text: `Execution ${event.status}.` });
    },
    error: (text) => setNotice({ kind: 'error', text }),
  });

  useEffect(() => {
    if (executionId) void open(executionId);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // No lost edits on leaving: the browser asks before closing the tab, the app before changing screen.
  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent) => {
      if (store.getState().doc !== store.getState().savedDoc) e.preventDefault();
    };
    window.addEventListener('beforeunload', onUnload);
    setNavigationGuard(() => {
      if (store.getState().doc === store.getState().savedDoc) return true;
      if (!confirm('This flow has unsaved changes. Leave without saving?')) return false;
      // Leaving without saving on purpose: the draft is not offered back.
      store.getState().replaceDoc(store.getState().savedDoc);
      return true;
    });
    return () => {
      window.removeEventListener('beforeunload', onUnload);
      setNavigationGuard(null);
    };
  }, [store]);

  const connectFrom = useCallback((source: string) => setConnecting({ source }), []);
  useShortcuts({ editable, save: () => void save(), help: () => setHelp(true), notice: info, connect: connectFrom });

  return (
    <div className="workbench">
      <div className="toolbar" role="toolbar" aria-label="Flow">
        <a href={`/s/${sid}/flows`} onClick={(e) => (e.preventDefault(), navigate({ screen: 'flows', sid }))}>
          ← Flows
        </a>
        <h1>{flow.name}</h1>
        <span className="muted">
          v{flow.version}
          {dirty ? ' · unsaved changes' : ''}
        </span>
        {!editable && <span className="badge">read only</span>}
        <span className="spacer" />
        {editable && (
          <>
            <button type="button" onClick={() => store.getState().undo()} disabled={!canUndo} title="Undo (Ctrl+Z)">
              Undo
            </button>
            <button type="button" onClick={() => store.getState().redo()} disabled={!canRedo} title="Redo (Ctrl+Shift+Z)">
              Redo
            </button>
            <button type="button" onClick={() => void layout()} title="Arrange the nodes left to right">
              Auto-layout
            </button>
          </>
        )}
        <button type="button" onClick={() => void view.fitView({ duration: 200 })}>
          Fit view
        </button>
        <button type="button" aria-pressed={showExecutions} onClick={() => setSide((v) => (v === 'executions' ? null : 'executions'))}>
          Executions
        </button>
        <button type="button" aria-pressed={side === 'history'} onClick={() => setSide((v) => (v === 'history' ? null : 'history'))} title="Versions: who saved what and when, compare, restore">
          History
        </button>
        <button type="button" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts">
          ?
        </button>
        {editable && (
          <>
            <label className="toggle">
              <input type="checkbox" checked={flow.active} onChange={() => void toggleActive()} aria-label="Active" />
              Active
            </label>
            <button type="button" onClick={() => setRunning(true)}>
              Run
            </button>
            <button type="button" className="primary" onClick={() => void save()} disabled={busy || !dirty} title="Save (Ctrl+S)">
              Save
            </button>
          </>
        )}
      </div>
      {notice && (
        <div className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
          {notice.text}
          {notice.list && notice.list.length > 0 && (
            <ul>
              {notice.list.map((l, i) => (
                <li key={i}>{l}</li>
              ))}
            </ul>
          )}
          {notice.kind === 'info' && <LastRunStatus />}
          <button type="button" className="link" aria-label="Dismiss" onClick={() => setNotice(null)}>
            ✕
          </button>
        </div>
      )}
      <div className="workspace">
        {editable && <Palette types={types} onAdd={add} />}
        <Canvas editable={editable} onAdd={add} onNotice={info} />
        {selected ? (
          <DebugContext.Provider value={{ base, flowId: flow.id, triggers: flow.triggers, editable, prepare: saveIfDirty }}>
            <NodePanel key={selected} id={selected} flow={flow} sid={sid} editable={editable} onConnect={(port) => setConnecting({ source: selected, port })} />
          </DebugContext.Provider>
        ) : showExecutions ? (
          <ExecutionsPanel sid={sid} base={base} flowId={flow.id} refreshKey={refreshKey} openedId={openedId} onOpen={(id) => void open(id)} onRetry={(id) => void retry(id)} />
        ) : side === 'history' ? (
          <HistoryPanel base={base} flowId={flow.id} currentVersion={flow.version} editable={editable} onRestore={restore} />
        ) : null}
      </div>
      <Timeline />
      {running && <RunDialog onClose={() => setRunning(false)} onRun={run} />}
      {connecting && <ConnectDialog from={connecting} onClose={() => setConnecting(null)} onNotice={info} />}
      {conflict && (
        <ConflictDialog
          theirs={conflict.theirs}
          mine={conflict.mine}
          baseVersion={baseRef.current}
          onClose={() => setConflict(null)}
          onReload={() => {
            adopt(conflict.theirs);
            setConflict(null);
            info(`Reloaded version ${conflict.theirs.version}; your changes were dropped.`);
          }}
          onOverwrite={() => {
            setConflict(null);
            void save(conflict.theirs.version);
          }}
        />
      )}
      {draftOffer && (
        <Dialog title="Unsaved changes found" onClose={() => setDraftOffer(null)}>
          <p>
            This browser kept changes to this flow that were not saved (edited from version {draftOffer.baseVersion}, last changed {new Date(draftOffer.savedAt).toLocaleString()}).
          </p>
          <div className="dialog-actions">
            <button
              type="button"
              onClick={() => {
                dropDraft(localStorage, sid, flow.id);
                setDraftOffer(null);
              }}
            >
              Discard them
            </button>
            <button type="button" className="primary" onClick={() => restoreDraft(draftOffer)}>
              Restore my changes
            </button>
          </div>
        </Dialog>
      )}
      {help && (
        <Dialog title="Keyboard shortcuts" onClose={() => setHelp(false)}>
          <dl className="shortcuts">
            <dt>Ctrl+Z / Ctrl+Shift+Z</dt>
            <dd>Undo / redo</dd>
            <dt>Ctrl+C / Ctrl+V</dt>
            <dd>Copy / paste the selected nodes and sticky notes (as JSON, also between flows and tabs)</dd>
            <dt>Ctrl+D</dt>
            <dd>Duplicate the selected nodes and sticky notes</dd>
            <dt>Delete / Backspace</dt>
            <dd>Delete the selection</dd>
            <dt>Ctrl+S</dt>
            <dd>Save</dd>
            <dt>Shift+drag</dt>
            <dd>Box-select</dd>
            <dt>Double-click a node type (Enter or Space on it)</dt>
            <dd>Add it in the middle of the view (from the keyboard, the focus goes to its settings)</dd>
            <dt>Tab, then Enter on a node</dt>
            <dd>Select it and open its settings</dd>
            <dt>C on a node (focused, or the one selected)</dt>
            <dd>Connect one of its outputs to another node, picked from a list (type to search, ↑ / ↓, Enter); also “Connect output … to…” in its settings. Nodes that would make a loop are not offered</dd>
            <dt>+ on a connection or a port</dt>
            <dd>Insert a node in between, or add one after that port: type to search, ↑ / ↓ to choose, Enter to add, Esc to close</dd>
            <dt>?</dt>
            <dd>This help</dd>
          </dl>
          <div className="dialog-actions">
            <button type="button" onClick={() => setHelp(false)}>
              Close
            </button>
          </div>
        </Dialog>
      )}
    </div>
  );
}
