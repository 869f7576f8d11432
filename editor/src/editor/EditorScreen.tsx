import { ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { Flow, NodeType } from '../api/types';
import { catalogOf, normalise } from '../lib/graph';
import { EditorStoreContext } from './context';
import { createEditorStore, type EditorStore } from './store';
import { Workbench } from './Workbench';

/** Opens a flow: loads it and the node catalog, then hands a store of its own to the workbench. */
export default function EditorScreen({ sid, fid, executionId, editable }: { sid: string; fid: string; executionId?: string; editable: boolean }) {
  const [loaded, setLoaded] = useState<{ flow: Flow; types: NodeType[]; store: EditorStore } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all([api<Flow>('GET', `/api/subaccounts/${sid}/flows/${fid}`), api<NodeType[]>('GET', '/api/nodes')]).then(
      ([flow, types]) => live && setLoaded({ flow, types, store: createEditorStore(normalise(flow.graph), catalogOf(types)) }),
      (err) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
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
