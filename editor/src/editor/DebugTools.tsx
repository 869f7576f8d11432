import { useEffect, useRef, useState } from 'react';
import { api, messageOf } from '../api/client';
import { canListen, describeListen, describeNodeRun, withNodeRun, type ListenResult, type NodeRunResult } from '../lib/debug-runs';
import { parsePin, pin, pinOf, pinText, unpin } from '../lib/pins';
import '../styles/debugging.css';
import { useEditor, useEditorStore } from './context';
import { useDebugging } from './debug-context';

/**
 * The node panel's debugging tools (docs/debugging.md): pin data on the node, run this node alone, and on
 * webhook and GoHighLevel triggers listen for a test event. The calls use the saved flow, so unsaved
 * changes are saved first.
 */
export function DebugTools({ id, onRan }: { id: string; onRan(): void }) {
  const debugging = useDebugging();
  const store = useEditorStore();
  const type = useEditor((s) => s.nodes.get(id)?.type ?? '');
  // The pins map itself (stable until an edit changes it): a selector that built an object would never settle.
  const pins = useEditor((s) => s.doc.pinData);
  const pinned = pinOf({ pinData: pins }, id);
  const output = useEditor((s) => s.overlay?.nodes[id]?.output);
  const [editing, setEditing] = useState<string | null>(null);
  const [pinError, setPinError] = useState<string | null>(null);
  const [message, setMessage] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [running, setRunning] = useState(false);
  if (!debugging?.editable) return null;
  const { base, flowId } = debugging;

  async function runNode() {
    setRunning(true);
    setMessage(null);
    try {
      if (!(await debugging!.prepare())) return setMessage({ kind: 'error', text: 'Not run: the flow could not be saved.' });
      const result = await api<NodeRunResult>('POST', `${base}/flows/${flowId}/nodes/${encodeURIComponent(id)}/run`, {});
      store.getState().setOverlay((o) => withNodeRun(o, result));
      setMessage({ kind: result.status === 'failed' ? 'error' : 'info', text: describeNodeRun(result) });
      onRan();
    } catch (err) {
      setMessage({ kind: 'error', text: messageOf(err) });
    } finally {
      setRunning(false);
    }
  }

  function savePin() {
    const parsed = parsePin(editing ?? '');
    if ('error' in parsed) return setPinError(parsed.error);
    store.getState().edit('pin', (d) => pin(d, id, parsed.value));
    setEditing(null);
    setPinError(null);
  }

  return (
    <section className="debug-tools" aria-label="Test this node">
      <div className="debug-actions">
        <button type="button" onClick={() => void runNode()} disabled={running} title="Run only this node, on its input from the last run (or the pinned data before it)">
          {running ? 'Running…' : 'Run this node'}
        </button>
        {pinned ? (
          <>
            <span className="pin-badge" data-testid="pinned-badge" title="Test runs emit this node's pinned data instead of running it">
              Pinned
            </span>
            <button type="button" onClick={() => setEditing(pinText(pinned.value))}>
              Edit pin
            </button>
            <button type="button" onClick={() => store.getState().edit('unpin', (d) => unpin(d, id))}>
              Unpin
            </button>
          </>
        ) : (
          <>
            <button type="button" disabled={output === undefined} onClick={() => store.getState().edit('pin', (d) => pin(d, id, output))} title="Test runs then emit this output instead of running the node">
              Pin this output
            </button>
            <button type="button" onClick={() => setEditing(pinText(output ?? {}))}>
              Pin data…
            </button>
          </>
        )}
      </div>
      {editing !== null && (
        <div className="pin-editor">
          <label>
            Pinned data (JSON): test runs emit it instead of running this node
            <textarea rows={6} spellCheck={false} value={editing} onChange={(e) => setEditing(e.target.value)} aria-label="Pinned data (JSON)" />
          </label>
          {pinError && (
            <p className="error" role="alert">
              {pinError}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={() => (setEditing(null), setPinError(null))}>
              Cancel
            </button>
            <button type="button" className="primary" onClick={savePin}>
              Pin
            </button>
          </div>
        </div>
      )}
      {message && (
        <p className={message.kind === 'error' ? 'error' : 'muted'} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="debug-message">
          {message.text}
        </p>
      )}
      {canListen(type) && <ListenForEvent id={id} type={type} />}
    </section>
  );
}

/** "Listen for test event": the URL to call, a waiting state with cancel, then the sample; the test run shows on the canvas. */
function ListenForEvent({ id, type }: { id: string; type: string }) {
  const debugging = useDebugging()!;
  const store = useEditorStore();
  const [waiting, setWaiting] = useState<AbortController | null>(null);
  const [result, setResult] = useState<ListenResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const current = useRef<AbortController | null>(null);
  // Leaving the node (or the flow) stops listening: the server stops when the request goes away.
  useEffect(() => () => current.current?.abort(), []);
  const url = debugging.triggers.find((t) => t.nodeId === id)?.url;

  async function listen() {
    setResult(null);
    setError(null);
    if (!(await debugging.prepare())) return setError('Not listening: the flow could not be saved.');
    const controller = new AbortController();
    current.current = controller;
    setWaiting(controller);
    try {
      const heard = await api<ListenResult>('POST', `${debugging.base}/flows/${debugging.flowId}/listen`, { nodeId: id }, { signal: controller.signal });
      if (controller.signal.aborted) return;
      setResult(heard);
      const executionId = heard.executionId;
      // Follow the test run live like any run (its events may already have opened it).
      if (executionId) store.getState().setOverlay((o) => (o?.executionId === executionId ? o : { executionId, status: 'queued', nodes: {} }));
    } catch (err) {
      if (!controller.signal.aborted) setError(messageOf(err));
    } finally {
      if (current.current === controller) current.current = null;
      setWaiting(null);
    }
  }

  return (
    <div className="listen" data-testid="listen">
      {waiting ? (
        <div className="listen-waiting" role="status">
          <p>
            <span className="spinner" aria-hidden /> Waiting for a test event (up to 2 minutes)…{' '}
            {type === 'trigger.webhook' ? 'Send a request to:' : 'Make the event happen in GoHighLevel.'}
          </p>
          {type === 'trigger.webhook' && url && <code data-testid="listen-url">{url}</code>}
          <button type="button" onClick={() => waiting.abort()}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => void listen()} title="Wait for the next request or event this trigger receives (even while the flow is inactive) and run the flow on it as a test">
          Listen for test event
        </button>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {result && (
        <div className="listen-result">
          <p role="status">{describeListen(result)}</p>
          {result.sample !== null && <pre className="json" data-testid="listen-sample">{JSON.stringify(result.sample, null, 2)}</pre>}
        </div>
      )}
    </div>
  );
}
