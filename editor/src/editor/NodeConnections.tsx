import { useMemo } from 'react';
import { portsOf, targetsOf } from '../lib/connect';
import { useEditor } from './context';
import './connect.css';

/**
 * The selected node's output ports with the nodes each goes to, and (for those who edit) a "Connect
 * output <port> to…" button per port: the keyboard's way to draw a connection.
 */
export function NodeConnections({ id, editable, onConnect }: { id: string; editable: boolean; onConnect(port: string): void }) {
  const doc = useEditor((s) => s.doc);
  const catalog = useEditor((s) => s.catalog);
  const ports = useMemo(() => portsOf(doc, catalog, id), [doc, catalog, id]);
  if (ports.length === 0) return null;
  const nameOf = (target: string) => {
    const node = doc.nodes.find((n) => n.id === target);
    return node?.name || catalog.get(node?.type ?? '')?.title || target;
  };
  return (
    <fieldset className="node-connections">
      <legend>Outputs</legend>
      <ul>
        {ports.map((port) => {
          const targets = targetsOf(doc, id, port);
          return (
            <li key={port} data-port={port}>
              <code>{port}</code>
              <span className={targets.length ? undefined : 'muted'}>{targets.length ? `→ ${targets.map(nameOf).join(', ')}` : 'not connected'}</span>
              {editable && (
                <button type="button" onClick={() => onConnect(port)}>
                  Connect output {port} to…
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
