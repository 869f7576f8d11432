import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useState } from 'react';
import { messageOf } from '../api/client';
import type { Flow, NodeType } from '../api/types';
import { takeArrivedFlow, takeFlow } from '../app/open-flow';
import { catalogOf, documentOf, moveNodes, needsLayout } from '../lib/graph';
import { EditorStoreContext } from './context';
import { createEditorStore, type EditorStore } from './store';
import { Workbench } from './Workbench';

/** Opens a flow: loads it and the node catalog, then hands a store of its own to the workbench. */
export default function EditorScreen({ sid, fid, executionId, editable }: { sid: string; fid: string; executionId?: string; editable: boolean }) {
  // A page load that opens on this flow fetched it early (app/open-flow.ts); when it is already here,
  // the canvas is drawn in this first render instead of after a placeholder and one more render.
  const [arrived] = useState(() => takeArrivedFlow(sid, fid));
  const [loaded, setLoaded] = useState<{ flow: Flow; types: NodeType[]; store: EditorStore } | null>(() =>
    arrived && !needsLayout(arrived.flow.graph) ? { ...arrived, store: createEditorStore(documentOf(arrived.flow), catalogOf(arrived.types)) } : null,
  );
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (loaded) return;
    let live = true;
    // Usually already on its way: a page load that opens on this flow started it (app/open-flow.ts).
    (arrived ? Promise.resolve(arrived) : takeFlow(sid, fid))
      .then(async ({ flow, types }) => {
        let doc = documentOf(flow);
        // A flow saved without positions (a template, a script's) opens laid out instead of piled at one spot.
        if (needsLayout(flow.graph)) {
          const positions = (await import('../lib/layout')).autoLayout(doc);
          doc = { ...doc, nodes: doc.nodes.map((n) => ({ ...n })) };
          moveNodes(doc, positions);
        }
        if (live) setLoaded({ flow, types, store: createEditorStore(doc, catalogOf(types)) });
      })
      .catch((err) => live && setError(messageOf(err)));
    return () => {
      live = false;
    };
    // Opened once: App gives each flow an EditorScreen of its own (keyed by the flow).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sid, fid]);
  if (error) return <p role="alert" className="error centered">{error}</p>;
  if (!loaded) return <p className="centered">Opening the flow…</p>;
  return (
    <EditorStoreContext.Provider value={loaded.store}>
      <ReactFlowProvider>
        <Workbench sid={sid} initialFlow={loaded.flow} types={loaded.types} editable={editable} executionId={executionId} />
      </ReactFlowProvider>
    </EditorStoreContext.Provider>
  );
}
