/** A glyph per category, so node kinds are told apart at a glance (and without loading an icon font). */
const ICONS: Record<string, string> = {
  Triggers: '⚡',
  Logic: '◆',
  HTTP: '↔',
  Code: '{ }',
  GoHighLevel: '◎',
  Email: '✉',
  AI: '✱',
  Scraper: '⌗',
  Flows: '↪',
};

export const iconOf = (category: string | undefined): string => ICONS[category ?? ''] ?? '●';
