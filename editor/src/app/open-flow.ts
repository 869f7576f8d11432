import { api, storedToken } from '../api/client';
import type { Flow, NodeType } from '../api/types';
import { createEarlyLoad } from '../lib/early-load';
import type { Route } from '../lib/route';

/** What the canvas needs before it can draw anything. */
export interface FlowToOpen {
  flow: Flow;
  types: NodeType[];
}

const keyOf = (sid: string, fid: string): string => JSON.stringify([sid, fid]);

/** The flow and the node catalog, fetched together; taken by the editor screen (see EarlyLoad). */
export const flowLoad = createEarlyLoad<FlowToOpen>(async (key) => {
  const [sid, fid] = JSON.parse(key) as [string, string];
  const [flow, types] = await Promise.all([api<Flow>('GET', `/api/subaccounts/${encodeURIComponent(sid)}/flows/${encodeURIComponent(fid)}`), api<NodeType[]>('GET', '/api/nodes')]);
  return { flow, types };
});

export const takeFlow = (sid: string, fid: string): Promise<FlowToOpen> => flowLoad.take(keyOf(sid, fid));

/** The flow and catalog a page load fetched early, if they have already arrived (see EarlyLoad.takeArrived). */
export const takeArrivedFlow = (sid: string, fid: string): FlowToOpen | undefined => flowLoad.takeArrived(keyOf(sid, fid));

/**
 * A flow opened in the app (a click in the flows list) while the canvas chunk is still on its way: the
 * flow and catalog travel beside the chunk instead of after it; a page load's early request for the
 * same flow is kept.
 */
export const fetchFlowEarly = (sid: string, fid: string): void => flowLoad.ensure(keyOf(sid, fid));

/** Drops an early request for a flow whose screen closed before taking it, so it is never shown stale. */
export const forgetEarlyFlow = (sid: string, fid: string): void => flowLoad.forget(keyOf(sid, fid));

type EditorScreenModule = typeof import('../editor/EditorScreen');
let editorScreen: EditorScreenModule | undefined;

/** The canvas chunk (React Flow, forms, dagre), loaded when a flow is first opened. */
export const loadEditorScreen = (): Promise<EditorScreenModule> => import('../editor/EditorScreen').then((m) => (editorScreen = m));

/** The canvas chunk if it has already arrived: a flow opened after the first is drawn at once. */
export const loadedEditorScreen = (): EditorScreenModule | undefined => editorScreen;

/**
 * A page load that opens on a flow (a bookmark, a reload, a shared link) sends everything the canvas
 * waits for at once: the flow, the catalog and the canvas chunk travel beside the session check,
 * instead of one after another (session, then chunk, then data).
 */
export function openEarly(route: Route): void {
  if (route.screen !== 'flow' || !storedToken()) return;
  void loadEditorScreen();
  flowLoad.start(keyOf(route.sid, route.fid));
}
