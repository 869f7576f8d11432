import { useEffect, useMemo, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { FlowVersion, Page } from '../api/types';
import { Dialog } from '../components/Dialog';
import { diffGraphs } from '../lib/diff';
import { ago } from '../lib/flows-list';
import { documentOf } from '../lib/graph';
import { DiffView } from './DiffView';

const who = (v: FlowVersion) => v.createdBy?.email ?? 'unknown (seeded or saved before authors were kept)';

/**
 * Every saved version of the flow with who saved it and when; compare any two, restore an old one (it is
 * saved as a new version, so nothing is ever lost).
 */
export function HistoryPanel({ base, flowId, currentVersion, editable, onRestore }: { base: string; flowId: string; currentVersion: number; editable: boolean; onRestore(version: FlowVersion): Promise<boolean> }) {
  const [items, setItems] = useState<FlowVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [against, setAgainst] = useState<number>(currentVersion);
  const [comparing, setComparing] = useState<number | null>(null);
  useEffect(() => {
    api<Page<FlowVersion>>('GET', `${base}/flows/${flowId}/versions`).then(
      (p) => setItems(p.items),
      (err) => setError(messageOf(err)),
    );
    setAgainst(currentVersion);
  }, [base, flowId, currentVersion]);
  const byVersion = useMemo(() => new Map((items ?? []).map((v) => [v.version, v])), [items]);
  const older = comparing === null ? undefined : byVersion.get(comparing);
  const newer = byVersion.get(against);
  const diff = useMemo(() => (older && newer ? diffGraphs(documentOf(older), documentOf(newer)) : null), [older, newer]);

  return (
    <aside className="panel" aria-label="Version history">
      <header>
        <h2>History</h2>
        <p className="muted">Every save is a version. Compare any two; restoring saves the old graph and its sticky notes as a new version.</p>
      </header>
      {error && <p role="alert" className="error">{error}</p>}
      {items && items.length > 1 && (
        <label>
          Compare with{' '}
          <select value={against} onChange={(e) => setAgainst(Number(e.target.value))} aria-label="Compare with version">
            {items.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
                {v.version === currentVersion ? ' (current)' : ''}
              </option>
            ))}
          </select>
        </label>
      )}
      {!items ? (
        <p>Loading…</p>
      ) : (
        <ul className="versions">
          {items.map((v) => (
            <li key={v.version} className={v.version === currentVersion ? 'current' : ''} data-testid={`version-${v.version}`}>
              <strong>v{v.version}</strong>
              {v.version === currentVersion && <span className="badge">current</span>}
              <span className="who">
                {who(v)} · <time dateTime={v.createdAt} title={new Date(v.createdAt).toLocaleString()}>{ago(v.createdAt)}</time>
              </span>
              {v.version !== against && (
                <button type="button" onClick={() => setComparing(v.version)} aria-label={`Compare with v${against}: version ${v.version}`}>
                  Compare with v{against}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {older && newer && diff && (
        <Dialog title={`Version ${older.version} → version ${newer.version}`} onClose={() => setComparing(null)}>
          <DiffView diff={diff} from={`v${older.version}`} to={`v${newer.version}`} />
          <div className="dialog-actions">
            {editable && older.version !== currentVersion && (
              <button
                type="button"
                className="primary"
                onClick={() =>
                  void onRestore(older).then((ok) => {
                    if (ok) setComparing(null);
                  })
                }
              >
                Restore version {older.version}
              </button>
            )}
            <button type="button" onClick={() => setComparing(null)}>
              Close
            </button>
          </div>
        </Dialog>
      )}
    </aside>
  );
}
