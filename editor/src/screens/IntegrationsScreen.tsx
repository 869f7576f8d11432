import { useCallback, useEffect, useState } from 'react';
import { api, messageOf } from '../api/client';
import type { Integration, IntegrationTemplate, TestResult } from '../api/integrations';
import type { Page, Role } from '../api/types';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { Listing } from '../components/Listing';
import { ListTable } from '../components/ListTable';
import { canAdminister, glyphOf, standingOf, templatesByCategory, when } from '../lib/integrations';
import { IntegrationWizard } from './IntegrationWizard';
import { AuditLog } from './IntegrationsAudit';
import { CustomTemplates } from './IntegrationsTemplates';
import '../styles/integrations.css';
import { onTabListKey } from '../components/tab-keys';

type Tab = 'services' | 'templates' | 'audit';
type Pending = { kind: 'connect'; template: IntegrationTemplate } | { kind: 'edit'; template: IntegrationTemplate; integration: Integration } | { kind: 'delete'; integration: Integration } | null;

/** Integrations of a sub-account: the services one can connect (cards), what is connected, custom templates, the audit log. */
export default function IntegrationsScreen({ sid, editable, role }: { sid: string; editable: boolean; role: Role | undefined }) {
  const base = `/api/subaccounts/${sid}/integrations`;
  const [tab, setTab] = useState<Tab>('services');
  const [templates, setTemplates] = useState<IntegrationTemplate[] | null>(null);
  const [integrations, setIntegrations] = useState<Integration[] | null>(null);
  const [search, setSearch] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [tests, setTests] = useState(new Map<string, TestResult>());
  const admin = canAdminister(role);

  const load = useCallback(async () => {
    try {
      const [t, i] = await Promise.all([api<IntegrationTemplate[]>('GET', '/api/integration-templates'), api<Page<Integration>>('GET', `${base}?limit=200`)]);
      setTemplates(t);
      setIntegrations(i.items);
    } catch (err) {
      setError(messageOf(err));
    }
  }, [base]);
  useEffect(() => {
    setIntegrations(null);
    void load();
  }, [load]);

  const templateOf = (id: string) => templates?.find((t) => t.id === id);

  async function test(integration: Integration) {
    setError(null);
    try {
      const result = await api<TestResult>('POST', `${base}/${integration.id}/test`);
      setTests((m) => new Map(m).set(integration.id, result));
      await load();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  return (
    <main className="page integrations">
      <div className="page-head">
        <h1>Integrations</h1>
        {tab === 'services' && <input type="search" aria-label="Search services" placeholder="Search services" value={search} onChange={(e) => setSearch(e.target.value)} />}
      </div>
      <div className="tabs" role="tablist" aria-label="Integrations" onKeyDown={onTabListKey}>
        <button type="button" role="tab" aria-selected={tab === 'services'} tabIndex={tab === 'services' ? 0 : -1} onClick={() => setTab('services')}>
          Services
        </button>
        {admin && (
          <>
            <button type="button" role="tab" aria-selected={tab === 'templates'} tabIndex={tab === 'templates' ? 0 : -1} onClick={() => setTab('templates')}>
              Custom templates
            </button>
            <button type="button" role="tab" aria-selected={tab === 'audit'} tabIndex={tab === 'audit' ? 0 : -1} onClick={() => setTab('audit')}>
              Audit log
            </button>
          </>
        )}
      </div>
      {error && <p role="alert" className="error">{error}</p>}
      {tab === 'templates' && templates && <CustomTemplates templates={templates.filter((t) => t.custom)} onChanged={load} />}
      {tab === 'audit' && <AuditLog />}
      {tab === 'services' &&
        (!templates || !integrations ? (
          <p>Loading…</p>
        ) : (
          <>
            <h2>Connected in this sub-account</h2>
            <Listing items={integrations} empty={`Nothing connected yet.${editable ? ' Pick a service below to connect it.' : ''}`}>
              {() => (
                <ListTable label="Connected integrations" columns={['Name', 'Service', 'Status', 'Last tested', 'Last used']} actions>
                  {integrations.map((integration) => {
                    const template = templateOf(integration.template);
                    const result = tests.get(integration.id);
                    return (
                      <tr key={integration.id} data-integration={integration.name}>
                        <td>{integration.name}</td>
                        <td>{template?.displayName ?? integration.template}</td>
                        <td>
                          <span className={`status integration-${integration.status}`}>{integration.status}</span>
                          {integration.lastError && <div className="error last-error">{integration.lastError}</div>}
                          {result && <div className={result.ok ? 'test-ok' : 'error'}>{result.message}</div>}
                        </td>
                        <td className="muted">{when(integration.lastTestedAt)}</td>
                        <td className="muted">{when(integration.lastUsedAt)}</td>
                        <td className="actions">
                          {editable && (
                            <>
                              <button type="button" onClick={() => void test(integration)}>
                                Test
                              </button>
                              {template && (
                                <button type="button" onClick={() => setPending({ kind: 'edit', template, integration })}>
                                  Edit
                                </button>
                              )}
                              <button type="button" className="danger" onClick={() => setPending({ kind: 'delete', integration })}>
                                Delete
                              </button>
                            </>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </ListTable>
              )}
            </Listing>
            <h2>Services</h2>
            {templatesByCategory(templates, search).map(([category, group]) => (
              <section key={category} aria-label={category}>
                <h3>{category}</h3>
                <div className="template-cards">
                  {group.map((template) => {
                    const standing = standingOf(template, integrations);
                    return (
                      <article key={template.id} className="template-card" data-template={template.id} aria-label={template.displayName}>
                        <span className="template-icon" aria-hidden="true">
                          {glyphOf(template.icon)}
                        </span>
                        <div>
                          <h4>{template.displayName}</h4>
                          <p className="muted">{template.description}</p>
                          <span className={`status integration-${standing.status.replace(' ', '-')}`}>
                            {standing.connected ? `${standing.connected} connected · ${standing.status}` : 'not connected'}
                          </span>
                        </div>
                        {editable && (
                          <button type="button" onClick={() => setPending({ kind: 'connect', template })} aria-label={`Connect ${template.displayName}`}>
                            Connect
                          </button>
                        )}
                      </article>
                    );
                  })}
                </div>
              </section>
            ))}
          </>
        ))}
      {(pending?.kind === 'connect' || pending?.kind === 'edit') && (
        <Dialog title={pending.kind === 'connect' ? `Connect ${pending.template.displayName}` : `Edit ${pending.integration.name}`} onClose={() => setPending(null)}>
          <IntegrationWizard
            sid={sid}
            template={pending.template}
            existing={pending.kind === 'edit' ? pending.integration : undefined}
            onCancel={() => setPending(null)}
            onDone={() => {
              setPending(null);
              void load();
            }}
          />
        </Dialog>
      )}
      {pending?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${pending.integration.name}?`}
          onClose={() => setPending(null)}
          onConfirm={async () => {
            try {
              await api('DELETE', `${base}/${pending.integration.id}`);
              setPending(null);
              await load();
            } catch (err) {
              setPending(null);
              setError(messageOf(err));
            }
          }}
        >
          Flows that use it fail until they are given another integration. Its stored secrets are deleted. This cannot be undone.
        </ConfirmDialog>
      )}
    </main>
  );
}
