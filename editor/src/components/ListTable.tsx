import type { ReactNode } from 'react';

/**
 * A list screen's table (`table.list`): named for assistive tech and tests, one header per column, and a
 * last header "Actions" read only by screen readers when the rows end with buttons.
 */
export function ListTable({ label, columns, actions = false, children }: { label: string; columns: string[]; actions?: boolean; children: ReactNode }) {
  return (
    <table className="list" aria-label={label}>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column}>{column}</th>
          ))}
          {actions && (
            <th>
              <span className="sr-only">Actions</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
