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

/**
 * Alphabetical, case-insensitive, by code point. Not localeCompare: its first call loads the browser's
 * collation data, about 10 ms spent while a flow opens (the palette is drawn with the canvas), for
 * English titles that sort the same either way.
 */
const alphabetical = (a: string, b: string): number => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
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
    .map(([category, list]) => ({ category, types: list.sort((a, b) => alphabetical(a.title, b.title)) }))
    .sort((a, b) => rank(a.category) - rank(b.category) || alphabetical(a.category, b.category));
}

/** What a "+" on an edge or a port can add: the palette's types but triggers (nothing connects into one), in palette order. */
export function pickerChoices(types: NodeType[], search = ''): NodeType[] {
  return paletteGroups(types.filter((t) => !t.trigger), search).flatMap((g) => g.types);
}

/** The highlighted choice after a navigation key, wrapping at the ends; the same index for other keys. */
export function stepChoice(active: number, key: string, count: number): number {
  if (count === 0) return 0;
  switch (key) {
    case 'ArrowDown':
      return (active + 1) % count;
    case 'ArrowUp':
      return (active - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
  }
  return Math.min(active, count - 1);
}

/** Whether the palette's "Sticky note" item matches a search (it is no node type, so paletteGroups leaves it out). */
export function noteMatches(search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return words.every((w) => 'sticky note comment annotation text canvas'.includes(w));
}
