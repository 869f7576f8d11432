import type { FlowEdge, FlowNode, StickyNote } from '../api/types';
import { formatPath, preview, type GraphDiff, type ValueChange } from '../lib/diff';
import './versions.css';

const label = (n: FlowNode) => (n.name ? `${n.name} (${n.id})` : n.id);

/** What a note says in one line, for the lists of notes added and removed. */
const noteLine = (n: StickyNote) => preview(n.text.replace(/\s+/g, ' ').trim() || '(empty note)', 60);

/** "2 node(s) moved and 1 note(s) moved or resized": layout-only differences, counted apart. */
function layoutOnly(diff: GraphDiff): string {
  const parts = [diff.moved.length ? `${diff.moved.length} node(s) moved on the canvas` : '', diff.notesMoved.length ? `${diff.notesMoved.length} note(s) moved or resized` : ''];
  return parts.filter(Boolean).join(' and ');
}

/** What changed from one version to another: nodes added, removed and changed with each config change, connections, sticky notes. */
export function DiffView({ diff, from, to }: { diff: GraphDiff; from: string; to: string }) {
  const layout = layoutOnly(diff);
  if (diff.same)
    return (
      <p data-testid="diff-same">
        No difference between {from} and {to}
        {layout ? ` apart from ${layout}` : ''}.
      </p>
    );
  return (
    <div className="diff" data-testid="diff">
      <p className="muted">
        From {from} to {to}.
      </p>
      <NodesSection name="added" title="Added" nodes={diff.added} mark="+" />
      <NodesSection name="removed" title="Removed" nodes={diff.removed} mark="−" />
      {diff.changed.length > 0 && (
        <section aria-label="Nodes changed">
          <h3>Changed ({diff.changed.length})</h3>
          <ul>
            {diff.changed.map((c) => (
              <li key={c.id} className="diff-changed">
                ~ {label(c.after)} <code>{c.after.type}</code>
                <ChangeTable changes={c.changes} from={from} to={to} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {(diff.edgesAdded.length > 0 || diff.edgesRemoved.length > 0) && (
        <section aria-label="Connections">
          <h3>Connections</h3>
          <ul>
            {diff.edgesAdded.map((e) => (
              <EdgeLine key={`+${e.source}:${e.sourcePort}:${e.target}`} edge={e} className="diff-added" mark="+" />
            ))}
            {diff.edgesRemoved.map((e) => (
              <EdgeLine key={`-${e.source}:${e.sourcePort}:${e.target}`} edge={e} className="diff-removed" mark="−" />
            ))}
          </ul>
        </section>
      )}
      <NotesSection diff={diff} from={from} to={to} />
      {layout && <p className="muted">Only moved: {layout}.</p>}
    </div>
  );
}

/** The fields one node or note changed, with their values in the two versions. */
function ChangeTable({ changes, from, to }: { changes: ValueChange[]; from: string; to: string }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">{from}</th>
          <th scope="col">{to}</th>
        </tr>
      </thead>
      <ChangeRows changes={changes} />
    </table>
  );
}

function ChangeRows({ changes }: { changes: ValueChange[] }) {
  return (
    <tbody>
      {changes.map((ch, i) => (
        <tr key={i}>
          <td>
            <code>{formatPath(ch.path)}</code>
          </td>
          <td className="before">{ch.kind === 'added' ? '' : preview(ch.before)}</td>
          <td className="after">{ch.kind === 'removed' ? '' : preview(ch.after)}</td>
        </tr>
      ))}
    </tbody>
  );
}

/** Sticky notes added, removed, and rewritten or recoloured (with the old and new text). */
function NotesSection({ diff, from, to }: { diff: GraphDiff; from: string; to: string }) {
  const { notesAdded, notesRemoved, notesChanged } = diff;
  if (!notesAdded.length && !notesRemoved.length && !notesChanged.length) return null;
  return (
    <section aria-label="Sticky notes">
      <h3>Sticky notes</h3>
      <ul>
        {notesAdded.map((n) => (
          <li key={`+${n.id}`} className="diff-added">
            + note {noteLine(n)}
          </li>
        ))}
        {notesRemoved.map((n) => (
          <li key={`-${n.id}`} className="diff-removed">
            − note {noteLine(n)}
          </li>
        ))}
        {notesChanged.map((c) => (
          <li key={`~${c.id}`} className="diff-changed">
            ~ note {noteLine(c.before)}
            <ChangeTable changes={c.changes} from={from} to={to} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Nodes only one side has (added or removed), or nothing when there are none. */
function NodesSection({ name, title, nodes, mark }: { name: 'added' | 'removed'; title: string; nodes: FlowNode[]; mark: string }) {
  if (nodes.length === 0) return null;
  return (
    <section aria-label={`Nodes ${name}`}>
      <h3>
        {title} ({nodes.length})
      </h3>
      <ul>
        {nodes.map((n) => (
          <li key={n.id} className={`diff-${name}`}>
            {mark} {label(n)} <code>{n.type}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}

function EdgeLine({ edge, className, mark }: { edge: FlowEdge; className: string; mark: string }) {
  return (
    <li className={className}>
      {mark} {edge.source}
      {edge.sourcePort && edge.sourcePort !== 'main' ? ` (${edge.sourcePort})` : ''} → {edge.target}
    </li>
  );
}
