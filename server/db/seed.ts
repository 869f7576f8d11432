import type { Models } from './models/index.js';
import { seedDemo } from './seed-demo.js';

/**
 * Loads seed data idempotently and returns what it added. The accounts layer has nothing to seed; the
 * integration templates and example flows register here as they arrive.
 */
export async function runSeeds(models: Models): Promise<string[]> {
  return [...(await seedDemo(models))];
}
