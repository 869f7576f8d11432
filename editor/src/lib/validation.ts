import type { ErrorDetail, FlowGraph } from '../api/types.js';

/** The server's 400 details, grouped by the node they name (details[].path → node), and the rest. */
export interface MappedErrors {
  byNode: Map<string, string[]>;
  general: string[];
}

const NODE_PATH = /^\/graph\/nodes\/(\d+)(?:\/|$)/;
const EDGE_PATH = /^\/graph\/edges\/(\d+)(?:\/|$)/;
const NAMED = /node "([^"]+)"/;

/**
 * Pins each detail on a node: the `nodeId` the server names, else the node at the path's index in the
 * graph that was sent, else an edge's source, else a node named in the message. The rest is general.
 */
export function mapErrors(details: ErrorDetail[] | undefined, sent: FlowGraph): MappedErrors {
  const byNode = new Map<string, string[]>();
  const general: string[] = [];
  const ids = new Set(sent.nodes.map((n) => n.id));
  for (const detail of details ?? []) {
    const path = detail.path ?? '';
    const atNode = NODE_PATH.exec(path);
    const atEdge = EDGE_PATH.exec(path);
    const edgeIndex = detail.edge ?? (atEdge ? Number(atEdge[1]) : undefined);
    const id =
      (detail.nodeId && ids.has(detail.nodeId) ? detail.nodeId : undefined) ??
      (atNode ? sent.nodes[Number(atNode[1])]?.id : undefined) ??
      (edgeIndex !== undefined ? sent.edges[edgeIndex]?.source : undefined) ??
      [NAMED.exec(detail.message)?.[1]].find((named) => named && ids.has(named));
    if (!id) {
      general.push(detail.message);
      continue;
    }
    // "node "x": /rules must …" reads better on node x as "/rules must …".
    const message = detail.message.replace(`node "${id}": `, '');
    byNode.set(id, [...(byNode.get(id) ?? []), message]);
  }
  return { byNode, general };
}
