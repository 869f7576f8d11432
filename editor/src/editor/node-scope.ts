import { useCallback, useContext, useMemo, useSyncExternalStore } from 'react';
import { scopeSelector, type NodeScope } from '../lib/scope';
import { EditorStoreContext } from './context';
import { lastRunOf } from './last-run';
import type { EditorState } from './store';

// One memo for every input of the open panel: they all read the same node's scope.
const panelScope = scopeSelector();

const panelNode = (s: EditorState): string | null => (s.selected.size === 1 ? s.selected.values().next().value! : null);

/**
 * What the expressions of a node can see (its upstream nodes and the data of the run shown on the
 * canvas, or of the flow's last execution while the canvas shows none): the given node's, or by default the node whose panel is open; null outside a flow (the
 * integration screens' forms). The same object comes back while none of it changes, so live events about
 * other nodes re-render nothing that reads it.
 */
export function useNodeScope(nodeId?: string): NodeScope | null {
  const store = useContext(EditorStoreContext);
  const select = useMemo(() => (nodeId ? scopeSelector() : panelScope), [nodeId]);
  const subscribe = useCallback(
    (changed: () => void) => {
      if (!store) return () => undefined;
      const stopEditor = store.subscribe(changed);
      const stopLastRun = lastRunOf(store).subscribe(changed);
      return () => {
        stopEditor();
        stopLastRun();
      };
    },
    [store],
  );
  const snapshot = () => {
    if (!store) return null;
    const s = store.getState();
    const id = nodeId ?? panelNode(s);
    return id ? select(s.doc, s.catalog, s.overlay ?? lastRunOf(store).getState().run, id) : null;
  };
  return useSyncExternalStore(subscribe, snapshot);
}

/** A node's name for the completion list, read when the list is built. */
export function useNodeNames(): (id: string) => string | undefined {
  const store = useContext(EditorStoreContext);
  return useCallback((id: string) => store?.getState().nodes.get(id)?.name, [store]);
}
