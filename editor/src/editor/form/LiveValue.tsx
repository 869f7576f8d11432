import { useEffect, useState } from 'react';
import { formatLive, isPlainOnly, liveValue, type LiveValue } from '../../lib/live-value';
import { useNodeScope } from '../node-scope';

const DEBOUNCE_MS = 120;

/** The live value of a config value against the last run's data; null while there is no expression in it. */
function useLiveValue(value: unknown, watch: boolean): LiveValue | 'no-data' | null {
  const context = useNodeScope();
  const scope = context?.scope;
  const [result, setResult] = useState<LiveValue | null>(null);
  useEffect(() => {
    if (!watch || !scope) return setResult(null);
    let current = true;
    const run = () => void liveValue(value, scope).then((r) => current && setResult(r));
    // Plain paths are read at once; JSONata waits for a pause in the typing.
    const timer = isPlainOnly(value) ? (run(), undefined) : setTimeout(run, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [value, scope, watch]);
  if (!watch || !context) return null;
  return scope ? result : 'no-data';
}

/** Under an expression field: what it gives against the last run's data, or why it gives nothing. */
export function LiveValueLine({ id, value, watch }: { id: string; value: unknown; watch: boolean }) {
  const live = useLiveValue(value, watch);
  if (!live) return null;
  if (live === 'no-data') {
    return (
      <span id={id} className="live-value muted" data-testid="live-value">
        No data to preview yet: run the flow, or open an execution, to see this value.
      </span>
    );
  }
  return (
    <span id={id} className={`live-value${live.ok ? '' : ' error'}`} data-testid="live-value">
      {live.ok ? (
        <>
          <span className="muted">Value in the last run: </span>
          <code>{formatLive(live.value)}</code>
        </>
      ) : (
        live.message
      )}
    </span>
  );
}
