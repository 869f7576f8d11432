import { useState, type DragEvent, type KeyboardEvent } from 'react';
import { cellText, defaultView, schemaOf, tableOf, type DataView as View, type SchemaField } from '../lib/data-views';
import { fieldExpression } from '../lib/expression';
import { EXPRESSION_DRAG_TYPE } from './form/expression-assist';
import '../styles/data-view.css';
import { onTabListKey } from '../components/tab-keys';

/** Where dragged fields read from: `$json` (the node's input) or `$node.<id>` (a node's output). */
export interface DragSource {
  nodeId?: string;
}

const VIEWS: Array<{ view: View; label: string }> = [
  { view: 'table', label: 'Table' },
  { view: 'json', label: 'JSON' },
  { view: 'schema', label: 'Schema' },
];

/** A field that drags into text fields as its expression, and copies it from the keyboard (Enter). */
function dragProps(path: Array<string | number>, source: DragSource | undefined, onCopy?: (expression: string) => void) {
  if (!source) return {};
  const expression = fieldExpression(path, source);
  const copy = () => void navigator.clipboard?.writeText(expression).then(() => onCopy?.(expression), () => undefined);
  return {
    draggable: true,
    tabIndex: 0,
    title: `Drag into a text field, or press Enter to copy: ${expression}`,
    'data-expression': expression,
    onDragStart: (e: DragEvent) => {
      e.dataTransfer.setData(EXPRESSION_DRAG_TYPE, expression);
      e.dataTransfer.setData('text/plain', expression);
      e.dataTransfer.effectAllowed = 'copy';
    },
    onKeyDown: (e: KeyboardEvent) => {
      if (e.key !== 'Enter') return;
      e.preventDefault();
      copy();
    },
  };
}

/** A step's data (input, output, error, logs, attempts) as a table, as JSON, or as its schema. */
export function DataView({ value, label, drag, initial }: { value: unknown; label: string; drag?: DragSource; initial?: View }) {
  const [view, setView] = useState<View>(() => initial ?? defaultView(value));
  return (
    <div className="data-view">
      <div role="tablist" aria-label={`${label} view`} className="view-tabs" onKeyDown={onTabListKey}>
        {VIEWS.map((v) => (
          <button key={v.view} role="tab" type="button" aria-selected={view === v.view} tabIndex={view === v.view ? 0 : -1} onClick={() => setView(v.view)}>
            {v.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={`${label} as ${view}`}>
        {view === 'table' ? <TableView value={value} label={label} drag={drag} /> : view === 'schema' ? <SchemaView value={value} label={label} drag={drag} /> : (
          <pre className="json" aria-label={`${label} JSON`}>
            {JSON.stringify(value, null, 2) ?? 'undefined'}
          </pre>
        )}
      </div>
    </div>
  );
}

function TableView({ value, label, drag }: { value: unknown; label: string; drag?: DragSource }) {
  const table = tableOf(value);
  if (!table) return <p className="muted">No table for this value: a table shows a list of objects, or one object.</p>;
  // A list's columns are read through its first item; one object's directly.
  const pathOf = (column: string) => (Array.isArray(value) ? [0, column] : [column]);
  return (
    <div className="table-scroll">
      <table className="data-table" aria-label={`${label} table`}>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c} scope="col" {...dragProps(pathOf(c), drag)}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, i) => (
            <tr key={i}>
              {table.columns.map((c) => (
                <td key={c}>{cellText(row[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {table.more > 0 && <p className="muted">and {table.more} more rows (see JSON)</p>}
    </div>
  );
}

function SchemaView({ value, label, drag }: { value: unknown; label: string; drag?: DragSource }) {
  const [copied, setCopied] = useState<string | null>(null);
  const fields = schemaOf(value);
  if (!fields.length) return <p className="muted">No fields: the value is {value === undefined ? 'empty' : `a single ${value === null ? 'null' : typeof value}`}.</p>;
  return (
    <>
      {drag && (
        <p className="muted drop-hint" role="status">
          {copied ? `Copied ${copied}` : 'Drag a field into any text field to use it (or focus it and press Enter to copy it).'}
        </p>
      )}
      <SchemaList fields={fields} label={`${label} schema`} drag={drag} onCopy={setCopied} />
    </>
  );
}

function SchemaList({ fields, label, drag, onCopy }: { fields: SchemaField[]; label?: string; drag?: DragSource; onCopy(expression: string): void }) {
  return (
    <ul className="schema" aria-label={label}>
      {fields.map((f) => (
        <li key={f.name}>
          <span className="schema-field" data-testid="schema-field" {...dragProps(f.path, drag, onCopy)}>
            <code>{f.name}</code> <span className="muted">{f.type}</span>
          </span>
          {f.children.length > 0 && <SchemaList fields={f.children} drag={drag} onCopy={onCopy} />}
        </li>
      ))}
    </ul>
  );
}
