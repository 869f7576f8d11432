import type { WidgetProps } from '@rjsf/utils';
import { useCallback, useEffect, useState } from 'react';
import { api, messageOf } from '../../api/client';
import type { Integration, IntegrationTemplate } from '../../api/integrations';
import type { Page } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { IntegrationWizard } from '../../screens/IntegrationWizard';
import type { FormContext } from './widgets';

/**
 * Picks one of the sub-account's integrations of the node's template (`GET /api/nodes` names it), with
 * "Connect new" opening the setup wizard in place; the new integration is chosen when the wizard ends.
 */
export function IntegrationWidget(props: WidgetProps) {
  const { id, value, onChange, disabled, registry, schema } = props;
  const { sid, template: nodeTemplate } = registry.formContext as FormContext;
  // A field may name its own template (`x-ui: {widget: 'integration', template}`); else the node's.
  const template = ((schema as Record<string, unknown>)['x-ui'] as { template?: string } | undefined)?.template ?? nodeTemplate;
  const [items, setItems] = useState<Integration[] | null>(null);
  const [templateInfo, setTemplateInfo] = useState<IntegrationTemplate | null>(null);
  const [connecting, setConnecting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    () =>
      api<Page<Integration>>('GET', `/api/subaccounts/${sid}/integrations?limit=200`).then(
        (p) => setItems(p.items.filter((i) => !template || i.template === template)),
        (err) => setError(messageOf(err)),
      ),
    [sid, template],
  );
  useEffect(() => void load(), [load]);
  useEffect(() => {
    if (!template) return;
    api<IntegrationTemplate[]>('GET', '/api/integration-templates').then(
      (all) => setTemplateInfo(all.find((t) => t.id === template) ?? null),
      () => undefined,
    );
  }, [template]);

  if (error) return <p className="error">{error}</p>;
  const name = templateInfo?.displayName ?? template ?? '';
  return (
    <div className="options-field">
      <div className="options-row">
        <select id={id} value={value ?? ''} disabled={disabled} onChange={(e) => onChange(e.target.value || undefined)}>
          <option value="">{items === null ? 'Loading…' : items.length ? 'Choose an integration' : `No ${name} integration in this sub-account yet`}</option>
          {items?.map((i) => (
            <option key={i.id} value={i.id}>
              {i.name} ({i.status})
            </option>
          ))}
        </select>
        {templateInfo && !disabled && (
          <button type="button" onClick={() => setConnecting(true)}>
            Connect new
          </button>
        )}
      </div>
      {connecting && templateInfo && (
        <Dialog title={`Connect ${templateInfo.displayName}`} onClose={() => setConnecting(false)}>
          <IntegrationWizard
            sid={sid}
            template={templateInfo}
            onCancel={() => setConnecting(false)}
            onDone={(integration) => {
              setConnecting(false);
              void load().then(() => onChange(integration.id));
            }}
          />
        </Dialog>
      )}
    </div>
  );
}
