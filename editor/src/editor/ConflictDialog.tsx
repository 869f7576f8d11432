import { useMemo, useState } from 'react';
import type { Flow, FlowGraph } from '../api/types';
import { Dialog } from '../components/Dialog';
import { diffGraphs } from '../lib/diff';
import { documentOf } from '../lib/graph';
import { DiffView } from './DiffView';

/**
 * A save refused because someone saved the flow meanwhile (409 version_conflict): take their version,
 * compare it with yours, or save yours over it on purpose.
 */
export function ConflictDialog({ theirs, mine, baseVersion, onReload, onOverwrite, onClose }: { theirs: Flow; mine: FlowGraph; baseVersion: number; onReload(): void; onOverwrite(): void; onClose(): void }) {
  const [comparing, setComparing] = useState(false);
  const diff = useMemo(() => diffGraphs(documentOf(theirs), mine), [theirs, mine]);
  return (
    <Dialog title="Someone saved this flow meanwhile" onClose={onClose}>
      <p role="alert">
        You started from version {baseVersion}; the flow is now at version {theirs.version}. Your changes are not saved yet, and nothing of theirs was overwritten.
      </p>
      {comparing && <DiffView diff={diff} from={`their v${theirs.version}`} to="your changes" />}
      <div className="dialog-actions">
        <button type="button" onClick={onReload} title="Drop your changes and open their version">
          Reload their version
        </button>
        <button type="button" aria-pressed={comparing} onClick={() => setComparing((c) => !c)}>
          {comparing ? 'Hide comparison' : 'Compare'}
        </button>
        <button type="button" className="danger" onClick={onOverwrite} title={`Save your changes as version ${theirs.version + 1}`}>
          Overwrite with mine
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
