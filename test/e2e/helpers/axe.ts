import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core's browser build, injected into the page as it is (it runs offline). */
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** The rules checked: WCAG 2.0 / 2.1 levels A and AA. */
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
/** What fails the test: the impacts that keep someone from using a control or reading a text. */
const BLOCKING = new Set(['serious', 'critical']);

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; summary: string }[];
}

interface AxeRun {
  violations: { id: string; impact?: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[];
}

/** Runs axe on the whole page as it is now and returns its violations of the WCAG A and AA rules. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // A full navigation drops the script; client-side routing keeps it.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ path: AXE_SCRIPT });
  return page.evaluate(async (tags) => {
    const axe = (globalThis as unknown as { axe: { run(options: object): Promise<AxeRun> } }).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), summary: n.failureSummary ?? '' })),
    }));
  }, TAGS);
}

const describe = (violations: AxeViolation[]) =>
  violations.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target}\n    ${n.summary.replace(/\n/g, '\n    ')}`).join('\n')}`).join('\n');

/**
 * The serious and critical violations on the page (what a test asserts is empty); the minor and moderate
 * ones are printed under the screen's name for whoever reads the test's output.
 */
export async function blockingViolations(page: Page, screen: string): Promise<string> {
  const violations = await axeViolations(page);
  const minor = violations.filter((v) => !BLOCKING.has(v.impact ?? ''));
  if (minor.length) console.log(`    axe, ${screen} (not blocking):\n${describe(minor).replace(/^/gm, '      ')}`);
  return describe(violations.filter((v) => BLOCKING.has(v.impact ?? '')));
}
