import { memo, useCallback, useEffect, useState } from 'react';
import type { RunOverlay } from '../lib/overlay';
import { formatDuration, timelineOf, type TimelineRow as Row } from '../lib/timeline';
import { useEditor, useEditorStore } from './context';
import type { EditorStore } from './store';
import '../styles/timeline.css';

const OPEN_KEY = 'switchboard.timeline';
const TICK_MS = 200;

/**
 * The run overlay, at most once per `ms`: the nodes on the canvas follow every frame, the timeline (whose
 * bars all move as the run grows) five times a second is enough. The last change always lands.
 */
function useOverlayEvery(store: EditorStore, ms: number): RunOverlay | null {
  const [overlay, setOverlay] = useState(() => store.getState().overlay);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const update = () => {
      timer = undefined;
      last = Date.now();
      setOverlay(store.getState().overlay);
    };
    update();
    const unsubscribe = store.subscribe((state, previous) => {
      if (state.overlay === previous.overlay || timer !== undefined) return;
      timer = setTimeout(update, Math.max(0, ms - (Date.now() - last)));
    });
    return () => {
      unsubscribe();
      clearTimeout(timer);
    };
  }, [store, ms]);
  return overlay;
}

/**
 * The execution shown on the canvas as a timeline: per step its start, a duration bar and its status,
 * growing while the run goes on. It reads the same overlay as the nodes, five times a second.
 */
export function Timeline() {
  const store = useEditorStore();
  const overlay = useOverlayEvery(store, TICK_MS);
  const nodes = useEditor((s) => s.nodes);
  const [open, setOpen] = useState(() => localStorage.getItem(OPEN_KEY) !== 'closed');
  const [now, setNow] = useState(() => Date.now());
  const timeline = timelineOf(overlay, now);
  const ticking = open && timeline.running;
  useEffect(() => {
    if (!ticking) return;
    const timer = setInterval(() => setNow(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, [ticking]);
  const select = useCallback((id: string) => store.getState().select([id]), [store]);
  if (!overlay) return null;
  const toggle = () => {
    localStorage.setItem(OPEN_KEY, open ? 'closed' : 'open');
    setOpen(!open);
  };
  return (
    <section className="timeline" aria-label="Execution timeline">
      <header>
        <button type="button" className="link" aria-expanded={open} onClick={toggle}>
          {open ? '▾' : '▸'} Timeline
        </button>
        <span className={`status status-${overlay.status}`}>{overlay.status}</span>
        <span className="muted">
          {timeline.rows.length} step{timeline.rows.length === 1 ? '' : 's'} · {formatDuration(timeline.totalMs)}
        </span>
      </header>
      {open && (
        <ol className="timeline-rows">
          {timeline.rows.map((row) => (
            <TimelineRow key={row.nodeId} {...row} name={nodes.get(row.nodeId)?.name || row.nodeId} onOpen={select} />
          ))}
        </ol>
      )}
    </section>
  );
}

/** One step; its props are plain values, so a new overlay re-renders only the rows that changed. */
const TimelineRow = memo(function TimelineRow({ nodeId, name, status, startMs, durationMs, running, left, width, onOpen }: Row & { name: string; onOpen(id: string): void }) {
  return (
    <li data-testid={`timeline-${nodeId}`} data-status={status}>
      <button type="button" className="link timeline-name" title={`Open ${name}`} onClick={() => onOpen(nodeId)}>
        {name}
      </button>
      <span className="muted timeline-start">+{formatDuration(startMs)}</span>
      <span className="timeline-track" aria-hidden>
        <span className={`timeline-bar bar-${status}${running ? ' running' : ''}`} style={{ left: `${left}%`, width: `${width}%` }} />
      </span>
      <span className={`timeline-status status-${status}`}>{status}</span>
      <span className="muted timeline-duration">{formatDuration(durationMs)}</span>
    </li>
  );
});

/** "(last run: succeeded)" beside a notice: only this re-renders when the run's status changes. */
export function LastRunStatus() {
  const status = useEditor((s) => s.overlay?.status);
  return status ? <span className="muted"> (last run: {status})</span> : null;
}
