import Form from '@rjsf/core';
import type { RJSFSchema } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import Ajv2020 from 'ajv/dist/2020';
import { useMemo, useState } from 'react';
import { api, ApiError, messageOf } from '../api/client';
import type { Integration, IntegrationTemplate, TestResult } from '../api/integrations';
import { editableConfig, templateUiSchema } from '../lib/integrations';
import { GhlOAuthButton } from './IntegrationsOAuth';
import '../styles/integrations.css';

// Template schemas are JSON Schema 2020-12, checked by the server with the same ajv.
const validator = customizeValidator({ AjvClass: Ajv2020 as never, ajvOptionsOverrides: { strict: false } });

type Step = 'form' | 'test' | 'done';

/**
 * Connecting a service in three steps: the template's form (→ saved, `pending`), a real test call
 * (`active` or `error`, with the service's message), done. Editing an integration starts at the form with
 * its secrets masked; sending a mask back keeps the stored secret.
 */
export function IntegrationWizard({ sid, template, existing, onDone, onCancel }: { sid: string; template: IntegrationTemplate; existing?: Integration; onDone(integration: Integration): void; onCancel(): void }) {
  const base = `/api/subaccounts/${sid}/integrations`;
  const [step, setStep] = useState<Step>('form');
  const [name, setName] = useState(existing?.name ?? template.displayName);
  const [config, setConfig] = useState<Record<string, unknown>>(() => (existing ? editableConfig(existing) : {}));
  const [saved, setSaved] = useState<Integration | null>(existing ?? null);
  const [result, setResult] = useState<TestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const uiSchema = useMemo(() => ({ ...templateUiSchema(template.configSchema), 'ui:submitButtonOptions': { norender: true } }), [template]);
  const schema = useMemo(() => ({ ...template.configSchema, title: undefined }) as RJSFSchema, [template]);

  async function save() {
    setBusy(true);
    setError(null);
    try {
      const integration = saved
        ? await api<Integration>('PATCH', `${base}/${saved.id}`, { name, config })
        : await api<Integration>('POST', base, { template: template.id, name, config });
      setSaved(integration);
      setResult(null);
      setStep('test');
    } catch (err) {
      setError(err instanceof ApiError && err.details.length ? `${err.message} ${err.details.map((d) => `${d.path ?? ''} ${d.message}`.trim()).join('; ')}` : messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function test() {
    if (!saved) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await api<TestResult>('POST', `${base}/${saved.id}/test`);
      setResult(answer);
      setSaved(await api<Integration>('GET', `${base}/${saved.id}`));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="wizard" data-testid="integration-wizard">
      <ol className="wizard-steps" aria-label="Steps">
        {(['form', 'test', 'done'] as const).map((s, i) => (
          <li key={s} aria-current={step === s ? 'step' : undefined}>
            {i + 1}. {s === 'form' ? 'Configure' : s === 'test' ? 'Test connection' : 'Active'}
          </li>
        ))}
      </ol>
      {step === 'form' && (
        <>
          {template.setupInstructions && (
            <details className="setup" open={!existing}>
              <summary>How to set it up</summary>
              <pre className="instructions">{template.setupInstructions}</pre>
            </details>
          )}
          {template.oauth && !existing && <GhlOAuthButton sid={sid} startPath={template.oauth.startPath} name={name} />}
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />
          </label>
          <Form
            className="config-form"
            schema={schema}
            uiSchema={uiSchema}
            formData={config}
            validator={validator}
            noHtml5Validate
            showErrorList={false}
            onChange={(e) => setConfig((e.formData ?? {}) as Record<string, unknown>)}
          />
          {error && <p role="alert" className="error">{error}</p>}
          <div className="dialog-actions">
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
            <button type="button" className="primary" disabled={busy || !name.trim()} onClick={() => void save()}>
              {existing ? 'Save' : 'Save and continue'}
            </button>
          </div>
        </>
      )}
      {step === 'test' && saved && (
        <>
          <p>
            <strong>{saved.name}</strong> is saved ({saved.status}). Test it with a real call to the service before flows use it.
          </p>
          {result && (
            <p role="status" className={result.ok ? 'test-ok' : 'error'} data-testid="test-result">
              {result.ok ? '✓' : '✗'} {result.message}
            </p>
          )}
          {error && <p role="alert" className="error">{error}</p>}
          <div className="dialog-actions">
            <button type="button" onClick={() => setStep('form')}>
              Back to the settings
            </button>
            <button type="button" className={result?.ok ? '' : 'primary'} disabled={busy} onClick={() => void test()}>
              {busy ? 'Testing…' : result ? 'Test again' : 'Test connection'}
            </button>
            {result?.ok ? (
              <button type="button" className="primary" onClick={() => setStep('done')}>
                Continue
              </button>
            ) : (
              <button type="button" onClick={() => onDone(saved)}>
                Finish without a passing test
              </button>
            )}
          </div>
        </>
      )}
      {step === 'done' && saved && (
        <>
          <p role="status" className="test-ok">
            {saved.name} is {saved.status}: flows of this sub-account can use it now.
          </p>
          <div className="dialog-actions">
            <button type="button" className="primary" onClick={() => onDone(saved)}>
              Done
            </button>
          </div>
        </>
      )}
    </div>
  );
}
