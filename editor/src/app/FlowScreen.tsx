import { useEffect, useRef, useState, type ComponentProps } from 'react';
import { messageOf } from '../api/client';
import type EditorScreen from '../editor/EditorScreen';
import { fetchFlowEarly, forgetEarlyFlow, loadedEditorScreen, loadEditorScreen } from './open-flow';

/**
 * The editor screen once its chunk is in. Not `lazy` under a Suspense boundary: React holds back the
 * content that replaces a Suspense fallback until 300 ms after the fallback appeared (it throttles the
 * reveal of retried boundaries), and on a page load that opens on a flow, where the chunk arrives just
 * after the session check, that was 300 ms of idle time before the canvas could start drawing. A state
 * update draws it at once. A flow opened from the app fetches its data beside the chunk.
 */
export function FlowScreen(props: ComponentProps<typeof EditorScreen>) {
  const { sid, fid } = props;
  const [loaded, setLoaded] = useState(loadedEditorScreen);
  const [error, setError] = useState<string | null>(null);
  // While the chunk is on its way, so are the flow and the catalog (the editor screen takes them once
  // it is drawn); when the chunk is already here, the editor screen asks for them itself at once.
  const chunkAwaited = useRef(!loaded);
  useEffect(() => {
    if (chunkAwaited.current) fetchFlowEarly(sid, fid);
    return () => forgetEarlyFlow(sid, fid);
  }, [sid, fid]);
  useEffect(() => {
    if (loaded) return;
    let live = true;
    loadEditorScreen()
      .then((module) => live && setLoaded(module))
      .catch((err) => live && setError(messageOf(err)));
    return () => {
      live = false;
    };
  }, [loaded]);
  if (error) return <p role="alert" className="error centered">The editor did not load: {error}</p>;
  if (!loaded) return <p className="centered">Opening the flow…</p>;
  return <loaded.default {...props} />;
}
