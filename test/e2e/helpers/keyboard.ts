import type { Locator, Page } from 'playwright-core';

/** Whether the element has the keyboard focus. */
export const isFocused = (target: Locator): Promise<boolean> => target.evaluate((el) => el === el.ownerDocument.activeElement);

/**
 * Presses Tab (or Shift+Tab) until the element has the focus, as a keyboard user would; fails after `max`
 * presses, naming where the focus went instead.
 */
export async function tabTo(page: Page, target: Locator, { back = false, max = 30 }: { back?: boolean; max?: number } = {}): Promise<void> {
  await target.waitFor();
  const visited: string[] = [];
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    visited.push(await page.locator('body').evaluate((body) => {
      const el = body.ownerDocument.activeElement;
      if (!el) return 'nothing';
      const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? '';
      return `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''} "${name}"`;
    }));
  }
  if (await isFocused(target)) return;
  throw new Error(`${max} × ${back ? 'Shift+Tab' : 'Tab'} did not reach ${target}; the focus went through:\n  ${visited.join('\n  ')}`);
}

/**
 * The focus indicator the element shows now (its outline, or a box shadow standing in for one), or null
 * when there is none to see.
 */
export function focusRing(target: Locator): Promise<string | null> {
  return target.evaluate((el) => {
    const style = el.ownerDocument.defaultView!.getComputedStyle(el);
    if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 1) return `outline ${style.outlineWidth} ${style.outlineStyle} ${style.outlineColor}`;
    if (style.boxShadow && style.boxShadow !== 'none') return `box-shadow ${style.boxShadow}`;
    return null;
  });
}

/** Waits until the element has the focus (focus that moves after a frame, as when a picker closes). */
export async function waitForFocus(target: Locator, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await isFocused(target))) {
    if (Date.now() > until) throw new Error(`${target} did not get the focus within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
