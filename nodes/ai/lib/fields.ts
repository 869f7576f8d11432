/** Config fields every AI node has, spread into each node's schema. */
export const aiFields = {
  integrationId: { type: 'string', description: 'The OpenAI-compatible integration to call.' },
  model: { type: 'string', minLength: 1, maxLength: 200, description: 'Overrides the integration’s default model.' },
  temperature: { type: 'number', minimum: 0, maximum: 2, description: 'Higher is more varied, lower more predictable.' },
  maxTokens: { type: 'integer', minimum: 1, maximum: 200_000, description: 'The most tokens the answer may use.' },
  timeoutSeconds: { type: 'integer', minimum: 1, maximum: 600, default: 60, description: 'How long to wait for the answer before the try counts as failed (and may be retried).' },
} as const;

/** Said once per AI node in the catalog, so every one of them explains retries the same way. */
export const aiFailures =
  'Rate limits (429, honouring Retry-After), 5xx answers and timeouts are retryable (set the node’s retry policy); a refused key (401) fails the step and marks the integration as in error. ' +
  'The output’s usage holds the tokens spent, and the execution sums them.';
