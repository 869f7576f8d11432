export const NODES = 500;

/** A manual trigger, then 499 Set nodes in a grid; every node after the trigger hangs off an earlier one. */
export function bigGraph() {
  const nodes = [{ id: 'n0', type: 'trigger.manual', config: {}, position: { x: 0, y: 0 } }];
  const edges = [];
  for (let i = 1; i < NODES; i++) {
    nodes.push({ id: `n${i}`, type: 'logic.set', config: { value: { step: i, email: '{{ $json.email }}' } } as never, position: { x: (i % 25) * 260, y: Math.floor(i / 25) * 120 } });
    edges.push({ source: `n${Math.floor((i - 1) / 2)}`, target: `n${i}` });
  }
  return { nodes, edges };
}
