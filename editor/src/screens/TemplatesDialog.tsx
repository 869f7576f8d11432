import { useEffect, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { Flow, FlowTemplate } from '../api/types';
import { Dialog } from '../components/Dialog';
import { templateFacts } from '../lib/flows-list';
import '../styles/flow-templates.css';

/**
 * The example flows as cards; choosing one makes an inactive flow of it in this sub-account (with the
 * sub-account's integrations, or placeholders to fill in) and hands it to `onCreated`.
 */
export function TemplatesDialog({ sid, onClose, onCreated }: { sid: string; onClose(): void; onCreated(flow: Flow): void }) {
  const [templates, setTemplates] = useState<FlowTemplate[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    api<FlowTemplate[]>('GET', '/api/flow-templates').then(setTemplates, (err) => setError(messageOf(err)));
  }, []);

  async function use(template: FlowTemplate) {
    setBusy(template.id);
    setError(null);
    try {
      onCreated(await api<Flow>('POST', `/api/subaccounts/${sid}/flows/from-template`, { template: template.id }));
    } catch (err) {
      setError(messageOf(err));
      setBusy(null);
    }
  }

  return (
    <Dialog title="Start from a template" onClose={onClose}>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!templates && !error && <p className="muted">Loading templates…</p>}
      <ul className="flow-template-cards" aria-label="Flow templates">
        {templates?.map((t) => (
          <li key={t.id} className="flow-template-card" data-template={t.id}>
            <h3>{t.name}</h3>
            <p>{t.description}</p>
            <p className="muted">{templateFacts(t)}</p>
            <button type="button" className="primary" disabled={busy !== null} onClick={() => void use(t)} aria-label={`Use template ${t.name}`}>
              {busy === t.id ? 'Creating…' : 'Use this template'}
            </button>
          </li>
        ))}
      </ul>
      <p className="muted flow-templates-note">The new flow starts inactive. Integrations it needs that this sub-account lacks are added as placeholders: fill them in under Integrations before activating.</p>
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
