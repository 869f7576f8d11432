import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium, headless, without the background traffic a test does not want. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** The desktop size the editor is tested at (it works from 1280 px wide). */
export const DESKTOP = { width: 1440, height: 900 };

/** Every console error and uncaught exception of a page, into `errors`, to assert there were none. */
export function collectErrors(page: Page, errors: string[] = []): string[] {
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/** A new page of the context: its console errors go into `errors`, and no wait lasts over 15 s. */
export async function openPage(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  collectErrors(page, errors);
  page.setDefaultTimeout(15_000);
  return page;
}

/** What a failed test's page showed, saved into /tmp. */
export async function saveFailure(page: Page | undefined, name: string): Promise<void> {
  await page?.screenshot({ path: `/tmp/${name}-failure-${Date.now()}.png` }).catch(() => undefined);
}

/** Drags from the centre of one element to the centre of another with real mouse moves (React Flow's connect). */
export async function dragBetween(page: Page, from: string, to: string): Promise<void> {
  const a = (await page.locator(from).boundingBox())!;
  const b = (await page.locator(to).boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 20, a.y + a.height / 2 + 5, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}
