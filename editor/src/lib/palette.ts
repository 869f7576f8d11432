import type { NodeType } from '../api/types.js';

export interface PaletteGroup {
  category: string;
  types: NodeType[];
}

// Triggers first: every flow starts with one.
const ORDER = ['Triggers', 'Logic', 'Code', 'HTTP'];
const rank = (category: string) => {
  const i = ORDER.indexOf(category);
  return i < 0 ? ORDER.length : i;
};

/** The catalog grouped by category, filtered by a search over title, type, category and description. */
export function paletteGroups(types: NodeType[], search = ''): PaletteGroup[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const matches = (t: NodeType) => {
    const text = `${t.title} ${t.type} ${t.category} ${t.description}`.toLowerCase();
    return words.every((w) => text.includes(w));
  };
  const groups = new Map<string, NodeType[]>();
  for (const t of types) if (matches(t)) groups.set(t.category, [...(groups.get(t.category) ?? []), t]);
  return [...groups.entries()]
    .map(([category, list]) => ({ category, types: list.sort((a, b) => a.title.localeCompare(b.title)) }))
    .sort((a, b) => rank(a.category) - rank(b.category) || a.category.localeCompare(b.category));
}
