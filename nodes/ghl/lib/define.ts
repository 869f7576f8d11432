import { defineNode, type NodeDefinition } from '../../contract.js';

/** A `ghl.*` node as written in its folder: what the GoHighLevel nodes all share is filled in by `defineGhlNode`. */
export type GhlNodeDefinition<Config> = Omit<NodeDefinition<Config>, 'category' | 'integration' | 'outputs'>;

/** Declares a GoHighLevel node: its catalog category, the gohighlevel integration and the main + error ports. */
export function defineGhlNode<Config>(definition: GhlNodeDefinition<Config>): NodeDefinition<Config> {
  return defineNode<Config>({ category: 'GoHighLevel', integration: 'gohighlevel', outputs: ['main', 'error'], ...definition });
}
