import type { IntegrationRow } from '../db/models/runtime.js';
import type { TestResult } from '../../schemas/integrations/template.js';
import { validatorOf, type Template } from './catalog.js';
import { revealConfig } from './vault.js';

/** A connection test that hangs is a failed test, not a hung request. */
export const TEST_TIMEOUT_MS = 15_000;

/** Runs the template's test with the stored config: a real call to the service, bounded in time. */
export async function testIntegration(row: IntegrationRow, template: Template | undefined, options: { encryptionKey: Buffer; allowPrivateNetwork: boolean }): Promise<TestResult> {
  if (!template) return { ok: false, message: `The template "${row.template}" no longer exists.` };
  const config = revealConfig(row, options.encryptionKey);
  if (!validatorOf(template)(structuredClone(config))) return { ok: false, message: 'The stored config is no longer valid for its template; save it again.' };
  const signal = AbortSignal.timeout(TEST_TIMEOUT_MS);
  try {
    return await template.test(config, { signal, allowPrivateNetwork: options.allowPrivateNetwork });
  } catch (err) {
    if (signal.aborted) return { ok: false, message: `The service did not answer within ${TEST_TIMEOUT_MS / 1000} s.` };
    return { ok: false, message: err instanceof Error ? err.message : String(err) };
  }
}
