/**
 * Tokens one step spent, as AI nodes put it in their output's `usage` (and the executions API sums
 * over an execution's AI steps).
 */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0);

/** An OpenAI `usage` object (`prompt_tokens`, …) in our shape; missing counts are 0 (some servers send none). */
export function readUsage(raw: unknown): TokenUsage {
  const u = (raw ?? {}) as Record<string, unknown>;
  const promptTokens = count(u.prompt_tokens);
  const completionTokens = count(u.completion_tokens);
  return { promptTokens, completionTokens, totalTokens: count(u.total_tokens) || promptTokens + completionTokens };
}

export function addUsage(a: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, b: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 }): TokenUsage {
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens, totalTokens: a.totalTokens + b.totalTokens };
}
