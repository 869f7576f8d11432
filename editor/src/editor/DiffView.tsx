import type { FlowEdge, FlowNode } from '../api/types';
import { formatPath, preview, type GraphDiff } from '../lib/diff';
import './versions.css';

const label = (n: FlowNode) => (n.name ? `${n.name} (${n.id})` : n.id);

/** What changed from one version to another: nodes added, removed and changed with each config change. */
export function DiffView({ diff, from, to }: { diff: GraphDiff; from: string; to: string }) {
  if (diff.same)
    return (
      <p data-testid="diff-same">
        No difference between {from} and {to}
        {diff.moved.length ? ` apart from ${diff.moved.length} node(s) moved on the canvas` : ''}.
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
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Field</th>
                      <th scope="col">{from}</th>
                      <th scope="col">{to}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {c.changes.map((ch, i) => (
                      <tr key={i}>
                        <td>
                          <code>{formatPath(ch.path)}</code>
                        </td>
                        <td className="before">{ch.kind === 'added' ? '' : preview(ch.before)}</td>
                        <td className="after">{ch.kind === 'removed' ? '' : preview(ch.after)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
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
      {diff.moved.length > 0 && <p className="muted">{diff.moved.length} node(s) only moved on the canvas.</p>}
    </div>
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
