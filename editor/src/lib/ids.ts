/** A readable node id from its type ("logic.condition" → "condition", then "condition_2"…), unique in the flow. */
export function newNodeId(type: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base = (type.split('.').at(-1) ?? 'node').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80) || 'node';
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** A stable edge id for the canvas (documents may omit edge ids). */
export const edgeKey = (e: { source: string; sourcePort?: string; target: string }): string => `${e.source}:${e.sourcePort ?? 'main'}->${e.target}`;
