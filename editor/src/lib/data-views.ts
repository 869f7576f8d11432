import { typeOf } from './completion.js';

/** The three ways a step's data is shown. */
export type DataView = 'table' | 'json' | 'schema';

export interface Table {
  columns: string[];
  rows: Array<Record<string, unknown>>;
  /** Rows left out past the limit. */
  more: number;
}

const MAX_ROWS = 200;
const MAX_COLUMNS = 30;
/** The column that holds items that are not objects (a list of strings, such as logs). */
export const VALUE_COLUMN = 'value';

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * The data as rows and columns: a list is one row per item (columns in the order fields first appear;
 * items that are not objects go into a `value` column), one object is one row. Other values have no table.
 */
export function tableOf(value: unknown): Table | null {
  const items = Array.isArray(value) ? value : isRecord(value) ? [value] : null;
  if (!items || !items.length) return null;
  const columns: string[] = [];
  const seen = new Set<string>();
  const add = (c: string) => !seen.has(c) && columns.length < MAX_COLUMNS && (seen.add(c), columns.push(c));
  const rows = items.slice(0, MAX_ROWS).map((item) => {
    if (isRecord(item)) {
      Object.keys(item).forEach(add);
      return item;
    }
    add(VALUE_COLUMN);
    return { [VALUE_COLUMN]: item };
  });
  return { columns, rows, more: items.length - rows.length };
}

/** A table cell: text as it is, other values as compact JSON, nothing as empty. */
export function cellText(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export interface SchemaField {
  name: string;
  /** The path an expression reads it by (a list's items by `[0]`). */
  path: Array<string | number>;
  /** `string`, `number`, `object`, `array of object`, `string | null`… */
  type: string;
  children: SchemaField[];
}

const MAX_DEPTH = 6;
const MAX_FIELDS = 400;

/** The types a field takes across a list's items, as one label. */
const unionOf = (types: Iterable<string>): string => [...new Set(types)].join(' | ');

/**
 * The shape of the data: field names with their types, nested; a list's items are merged (every field
 * any item has, with every type it takes), read through the first item's index.
 */
export function schemaOf(value: unknown): SchemaField[] {
  let budget = MAX_FIELDS;
  const fieldsOf = (samples: unknown[], path: Array<string | number>, depth: number): SchemaField[] => {
    const records = samples.filter(isRecord);
    const lists = samples.filter(Array.isArray);
    if (lists.length && !records.length) return fieldsOf(lists.flat(), [...path, 0], depth);
    if (depth >= MAX_DEPTH) return [];
    const names: string[] = [];
    for (const r of records) for (const k of Object.keys(r)) if (!names.includes(k)) names.push(k);
    const out: SchemaField[] = [];
    for (const name of names) {
      if (budget-- <= 0) break;
      const values = records.filter((r) => Object.hasOwn(r, name)).map((r) => r[name]);
      out.push({ name, path: [...path, name], type: typeLabel(values), children: fieldsOf(values, [...path, name], depth + 1) });
    }
    return out;
  };
  return fieldsOf([value], [], 0);
}

function typeLabel(values: unknown[]): string {
  return unionOf(values.map((v) => (Array.isArray(v) ? (v.length ? `array of ${unionOf(v.map(typeOf))}` : 'array') : typeOf(v))));
}

/** The view a value opens in: a table for lists of objects, JSON for the rest. */
export function defaultView(value: unknown): DataView {
  return Array.isArray(value) && value.length > 0 && value.every(isRecord) ? 'table' : 'json';
}
