import type { NodeType } from '../api/types.js';
import { newRule } from './rules.js';

/** The config a node starts with when added from the palette: valid where the schema requires something. */
export function initialConfig(type: Pick<NodeType, 'type' | 'configSchema'>): Record<string, unknown> {
  switch (type.type) {
    case 'logic.condition':
      return { rules: { combinator: 'and', rules: [newRule()] } };
    case 'logic.switch':
      return { cases: [{ port: 'case1', rules: { combinator: 'and', rules: [newRule()] } }] };
    case 'logic.set':
      return { value: {} };
  }
  return {};
}
