import { useState } from 'react';
import { api, ApiError, messageOf } from '../api/client';
import type { HttpAuthSpec, IntegrationTemplate } from '../api/integrations';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { FormFooter } from '../components/FormFooter';
import { Listing } from '../components/Listing';
import { ListTable } from '../components/ListTable';
import { parseSchemaText, secretFields } from '../lib/integrations';

const EXAMPLE_SCHEMA = JSON.stringify(
  {
    type: 'object',
    required: ['baseUrl', 'apiKey'],
    properties: {
      baseUrl: { type: 'string', format: 'uri', title: 'Base URL' },
      apiKey: { type: 'string', format: 'password', title: 'API key' },
    },
  },
  null,
  2,
);

/** Which fields each kind of `auth` names (schemas/api/integration-templates.ts). */
const AUTH_FIELDS: Record<HttpAuthSpec['type'], (keyof HttpAuthSpec)[]> = {
  bearer: ['tokenField'],
  basic: ['usernameField', 'passwordField'],
  header: ['headerName', 'valueField'],
  query: ['paramName', 'valueField'],
};

type Editing = { template: IntegrationTemplate | null } | null;

/** An agency's own templates (owners and admins): create with a JSON Schema, edit, delete. */
export function CustomTemplates({ templates, onChanged }: { templates: IntegrationTemplate[]; onChanged(): Promise<void> }) {
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<IntegrationTemplate | null>(null);
  const [error, setError] = useState<string | null>(null);
  return (
    <section aria-label="Custom templates">
      <p className="muted">Describe a service of your own: its config form (a JSON Schema) and, for the HTTP request node, how it authenticates.</p>
      <button type="button" className="primary" onClick={() => setEditing({ template: null })}>
        New template
      </button>
      {error && <p role="alert" className="error">{error}</p>}
      <Listing items={templates} empty="No custom templates yet.">
        {() => (
          <ListTable label="Custom templates" columns={['Name', 'Category', 'Secret fields']} actions>
            {templates.map((t) => (
              <tr key={t.id} data-template={t.name}>
                <td>
                  {t.displayName} <span className="muted">({t.name})</span>
                </td>
                <td>{t.category}</td>
                <td className="muted">{secretFields(t.configSchema).join(', ') || 'none'}</td>
                <td className="actions">
                  <button type="button" onClick={() => setEditing({ template: t })}>
                    Edit
                  </button>
                  <button type="button" className="danger" onClick={() => setDeleting(t)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </ListTable>
        )}
      </Listing>
      {editing && (
        <TemplateDialog
          template={editing.template}
          onClose={() => setEditing(null)}
          onSaved={async () => {
            setEditing(null);
            await onChanged();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.displayName}?`}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            setError(null);
            try {
              await api('DELETE', `/api/integration-templates/${deleting.id}`);
              await onChanged();
            } catch (err) {
              setError(messageOf(err));
            }
            setDeleting(null);
          }}
        >
          Only a template no integration uses can be deleted.
        </ConfirmDialog>
      )}
    </section>
  );
}

function TemplateDialog({ template, onClose, onSaved }: { template: IntegrationTemplate | null; onClose(): void; onSaved(): Promise<void> }) {
  const [fields, setFields] = useState({
    name: template?.name ?? '',
    displayName: template?.displayName ?? '',
    category: template?.category ?? 'Custom',
    description: template?.description ?? '',
    setupInstructions: template?.setupInstructions ?? '',
    baseUrlField: template?.baseUrlField ?? '',
    testUrl: template?.testUrl ?? '',
  });
  const [schemaText, setSchemaText] = useState(template ? JSON.stringify(template.configSchema, null, 2) : EXAMPLE_SCHEMA);
  const [auth, setAuth] = useState<HttpAuthSpec | null>(template?.auth ?? null);
  const [error, setError] = useState<string | null>(null);
  const parsed = parseSchemaText(schemaText);
  const set = (key: keyof typeof fields) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [key]: e.target.value }));

  async function save() {
    if ('error' in parsed) return setError(parsed.error);
    setError(null);
    const body = {
      ...fields,
      configSchema: parsed.schema,
      auth,
      baseUrlField: fields.baseUrlField || null,
      testUrl: fields.testUrl || null,
    };
    try {
      if (template) await api('PATCH', `/api/integration-templates/${template.id}`, body);
      else await api('POST', '/api/integration-templates', body);
      await onSaved();
    } catch (err) {
      setError(err instanceof ApiError && err.details.length > 1 ? `${err.message} ${err.details.map((d) => `${d.path ?? ''} ${d.message}`.trim()).join('; ')}` : messageOf(err));
    }
  }

  return (
    <Dialog title={template ? `Edit ${template.displayName}` : 'New template'} onClose={onClose}>
      <form
        className="template-form"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="row">
          <label>
            Name (a short id)
            <input value={fields.name} onChange={set('name')} placeholder="acme-crm" required />
          </label>
          <label>
            Display name
            <input value={fields.displayName} onChange={set('displayName')} placeholder="Acme CRM" required />
          </label>
          <label>
            Category
            <input value={fields.category} onChange={set('category')} required />
          </label>
        </div>
        <label>
          Description
          <input value={fields.description} onChange={set('description')} />
        </label>
        <label>
          Config schema (JSON Schema; mark secrets with "format": "password" or "x-secret": true)
          <textarea rows={10} spellCheck={false} value={schemaText} onChange={(e) => setSchemaText(e.target.value)} aria-invalid={'error' in parsed} />
        </label>
        {'error' in parsed ? <p className="error">{parsed.error}</p> : <p className="muted">Fields: {Object.keys((parsed.schema.properties as object) ?? {}).join(', ') || 'none'}; secrets: {secretFields(parsed.schema).join(', ') || 'none'}</p>}
        <label>
          Setup instructions (markdown)
          <textarea rows={3} value={fields.setupInstructions} onChange={set('setupInstructions')} />
        </label>
        <div className="row">
          <label>
            HTTP authentication
            <select value={auth?.type ?? ''} onChange={(e) => setAuth(e.target.value ? { type: e.target.value as HttpAuthSpec['type'] } : null)}>
              <option value="">none</option>
              <option value="bearer">bearer token</option>
              <option value="basic">basic</option>
              <option value="header">header</option>
              <option value="query">query parameter</option>
            </select>
          </label>
          {auth &&
            AUTH_FIELDS[auth.type].map((key) => (
              <label key={key}>
                {key}
                <input value={auth[key] ?? ''} onChange={(e) => setAuth({ ...auth, [key]: e.target.value })} required />
              </label>
            ))}
        </div>
        <div className="row">
          <label>
            Base URL field
            <input value={fields.baseUrlField} onChange={set('baseUrlField')} placeholder="baseUrl" />
          </label>
          <label>
            Test URL (a URL, or a path under the base URL)
            <input value={fields.testUrl} onChange={set('testUrl')} placeholder="/me" />
          </label>
        </div>
        <FormFooter error={error} submitLabel="Save template" onCancel={onClose} />
      </form>
    </Dialog>
  );
}
