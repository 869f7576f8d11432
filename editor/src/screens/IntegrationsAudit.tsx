import { useCallback, useEffect, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { AuditEntry } from '../api/integrations';
import type { Page } from '../api/types';
import { Listing } from '../components/Listing';
import { ListTable } from '../components/ListTable';

/** The agency's audit log (owners and admins): who changed what, newest first, field names only. */
export function AuditLog() {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const more = useCallback(async (after: string | null) => {
    try {
      const page = await api<Page<AuditEntry>>('GET', `/api/audit?limit=50${after ? `&cursor=${encodeURIComponent(after)}` : ''}`);
      setEntries((prev) => [...(after ? (prev ?? []) : []), ...page.items]);
      setCursor(page.nextCursor);
    } catch (err) {
      setError(messageOf(err));
    }
  }, []);
  useEffect(() => void more(null), [more]);
  if (error) return <p role="alert" className="error">{error}</p>;
  return (
    <Listing items={entries} empty="No changes recorded yet.">
      {(entries) => (
        <>
          <ListTable label="Audit log" columns={['When', 'Who', 'Action', 'What', 'Fields']}>
            {entries.map((e) => (
              <tr key={e.id}>
                <td className="muted">{new Date(e.at).toLocaleString()}</td>
                <td>{e.actor.email ?? (e.actor.apiKeyId ? 'API key' : 'system')}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.target.name ?? e.target.id ?? e.target.type}</td>
                <td className="muted">{e.fields?.join(', ')}</td>
              </tr>
            ))}
          </ListTable>
          {cursor && (
            <button type="button" onClick={() => void more(cursor)}>
              Load older
            </button>
          )}
        </>
      )}
    </Listing>
  );
}
