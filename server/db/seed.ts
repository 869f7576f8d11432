import type { Models } from './models/index.js';

/**
 * Loads seed data idempotently and returns what it added. The accounts layer has nothing to seed; the
 * integration templates and example flows register here as they arrive.
 */
export async function runSeeds(_models: Models): Promise<string[]> {
  return [];
}
