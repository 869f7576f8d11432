import type { WidgetProps } from '@rjsf/utils';
import { lazy, Suspense, useContext } from 'react';
import { describeCron } from '../../lib/cron';
import { SavedScheduleContext } from './saved-schedule';

const CodeEditor = lazy(() => import('./CodeEditor'));

/** The code node's code: CodeMirror, fetched the first time a code field is on screen. */
export function CodeWidget(props: WidgetProps) {
  const { id, value, onChange, disabled, readonly, label } = props;
  const text = typeof value === 'string' ? value : '';
  return (
    <Suspense fallback={<textarea id={id} aria-label={label} rows={8} value={text} readOnly />}>
      <CodeEditor id={id} label={label || 'Code'} value={text} disabled={!!(disabled || readonly)} onChange={(v) => onChange(v === '' ? undefined : v)} />
    </Suspense>
  );
}

/** A cron input with its meaning in words and, once saved, the next times it fires. */
export function CronWidget(props: WidgetProps) {
  const { id, value, onChange, disabled, readonly } = props;
  const saved = useContext(SavedScheduleContext);
  const cron = typeof value === 'string' ? value : '';
  const described = describeCron(cron);
  return (
    <div className="cron-input">
      <input id={id} value={cron} disabled={disabled || readonly} spellCheck={false} placeholder="0 9 * * 1-5" aria-describedby={`${id}-meaning ${id}-next`} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />
      <p id={`${id}-meaning`} className={described.ok ? 'cron-meaning' : 'error'} data-testid="cron-meaning">
        {described.text}
      </p>
      <div id={`${id}-next`} className="cron-next">
        {saved.cron === cron && saved.nextRuns?.length ? (
          <>
            <span className="muted">Next runs:</span>
            <ul data-testid="cron-next-runs">
              {saved.nextRuns.map((r) => (
                <li key={r}>
                  <time dateTime={r}>{new Date(r).toLocaleString()}</time>
                </li>
              ))}
            </ul>
          </>
        ) : (
          described.ok && <span className="muted">Save the flow to see the next runs.</span>
        )}
      </div>
    </div>
  );
}
