import Form from '@rjsf/core';
import type { RegistryFieldsType, RegistryWidgetsType, RJSFSchema } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import Ajv2020 from 'ajv/dist/2020';
import { useMemo } from 'react';
import type { NodeType } from '../../api/types';
import { formSchema, uiSchemaFor } from '../../lib/form-schema';
import { RulesField } from './RulesField';
import { ExpressionWidget, JsonField, type FormContext } from './widgets';
import { IntegrationWidget } from './IntegrationPicker';
import { OptionsWidget } from './OptionsWidget';
import { KeyValueField } from './KeyValueField';
import { CodeWidget, CronWidget } from './code-widgets';

// Node schemas are JSON Schema 2020-12, like the server's (the same ajv).
const validator = customizeValidator({ AjvClass: Ajv2020 as never, ajvOptionsOverrides: { strict: false } });
const fields: RegistryFieldsType = { rules: RulesField, json: JsonField, keyValue: KeyValueField };
const widgets: RegistryWidgetsType = { TextWidget: ExpressionWidget, integration: IntegrationWidget, options: OptionsWidget, code: CodeWidget, cron: CronWidget };

/** The node's config form, rendered by @rjsf from its configSchema and uiSchema. Loaded on demand. */
export default function ConfigForm({ type, config, sid, disabled, onChange }: { type: NodeType; config: Record<string, unknown>; sid: string; disabled: boolean; onChange(config: Record<string, unknown>): void }) {
  const schema = useMemo(() => formSchema(type.configSchema) as RJSFSchema, [type]);
  const uiSchema = useMemo(() => ({ ...uiSchemaFor(type), 'ui:submitButtonOptions': { norender: true } }), [type]);
  const context: FormContext = useMemo(() => ({ sid, template: type.integration, config, nodeType: type.type }), [sid, type.integration, config, type.type]);
  return (
    <Form
      className="config-form"
      schema={schema}
      uiSchema={uiSchema}
      formData={config}
      validator={validator}
      fields={fields}
      widgets={widgets}
      formContext={context}
      disabled={disabled}
      noHtml5Validate
      showErrorList={false}
      liveValidate
      // The form shows defaults but does not write them into the config: selecting a node changes nothing.
      experimental_defaultFormStateBehavior={{ emptyObjectFields: 'skipDefaults', arrayMinItems: { populate: 'never' } }}
      onChange={(e) => onChange((e.formData ?? {}) as Record<string, unknown>)}
    />
  );
}
