import type { FlowNode, NodeType } from '../api/types.js';

/**
 * Ports whose names follow the config, for the types the catalog marks `dynamicOutputs`. The server
 * derives them the same way (nodes/logic/switch: one port per case, then "default").
 */
const dynamicPorts: Record<string, (config: Record<string, unknown>) => string[] | undefined> = {
  'logic.switch': (config) => {
    const cases = Array.isArray(config.cases) ? (config.cases as Array<{ port?: unknown }>) : [];
    return [...cases.map((c) => String(c?.port ?? '')).filter(Boolean), 'default'];
  },
  'ai.classify': (config) => {
    const labels = Array.isArray(config.labels) ? (config.labels as unknown[]).map((l) => (typeof l === 'string' ? l : String((l as { label?: unknown })?.label ?? ''))) : [];
    return [...labels.filter(Boolean), 'error'];
  },
};

/** The output ports a node shows: from its config where they follow it, otherwise from the catalog. */
export function outputPorts(node: Pick<FlowNode, 'type' | 'config'>, type: NodeType | undefined): string[] {
  if (!type) return ['main'];
  const derive = type.dynamicOutputs ? dynamicPorts[type.type] : undefined;
  const derived = derive?.(node.config ?? {});
  return derived ? [...new Set(derived)] : type.outputs;
}

/** Triggers start flows: nothing connects into them. */
export const hasInput = (type: NodeType | undefined): boolean => !type?.trigger;

/** A port's label on the canvas: "main" goes unsaid when it is the only port. */
export const portLabel = (port: string, ports: string[]): string => (ports.length === 1 && port === 'main' ? '' : port);
