import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The colours of both themes, read from the stylesheet the editor ships, checked against WCAG 2's 4.5:1 for
// text. axe checks the text on screen; this checks the pairs a screen may not show at that moment (a skipped
// status, an error, a badge), in both themes.
const css = readFileSync(fileURLToPath(new URL('../../../editor/src/styles/base.css', import.meta.url)), 'utf8');
const approvalsCss = readFileSync(fileURLToPath(new URL('../../../editor/src/app/approvals.css', import.meta.url)), 'utf8');

function themeColours(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  const body = css.slice(start, css.indexOf('}', start));
  return Object.fromEntries([...body.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})/gi)].map((m) => [m[1]!, m[2]!]));
}

const channel = (hex: string, at: number) => {
  const c = parseInt(hex.slice(at, at + 2), 16) / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
const luminance = (hex: string) => 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
/** WCAG 2's contrast ratio of two colours (1 to 21). */
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const THEMES = { light: themeColours(':root'), dark: themeColours(":root[data-theme='dark']") };
/** Text colours and what they are drawn on. */
const TEXT_ON = [
  ...['text', 'muted', 'accent', 'danger', 'ok', 'warn', 'skip'].flatMap((fg) => ['bg', 'panel'].map((bg) => [fg, bg] as const)),
  ['accent-text', 'accent'] as const, // primary buttons
  ['text', 'mark'] as const, // highlighted {{ expressions }}
];

describe('Editor theme contrast (WCAG 2 AA, 4.5:1 for text)', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrast('#000000', '#ffffff')).to.equal(21);
    expect(contrast('#777777', '#ffffff')).to.be.closeTo(4.48, 0.01);
  });

  for (const [theme, colours] of Object.entries(THEMES)) {
    it(`keeps every text colour of the ${theme} theme readable on its backgrounds`, () => {
      expect(Object.keys(colours)).to.include.members(['bg', 'panel', 'text', 'muted', 'accent', 'accent-text', 'danger', 'ok', 'warn', 'skip', 'mark']);
      const low = TEXT_ON.map(([fg, bg]) => ({ pair: `--${fg} on --${bg}`, ratio: contrast(colours[fg]!, colours[bg]!) })).filter((c) => c.ratio < 4.5);
      expect(low, JSON.stringify(low)).to.deep.equal([]);
    });
  }

  it('keeps the approvals badge’s count readable on its red in both themes', () => {
    expect(approvalsCss).to.match(/\.nav-badge \{[^}]*color: #fff;/);
    expect(contrast('#ffffff', THEMES.light.danger!)).to.be.at.least(4.5);
    expect(approvalsCss).to.include(":root[data-theme='dark'] .nav-badge { color: var(--bg); }");
    expect(contrast(THEMES.dark.bg!, THEMES.dark.danger!)).to.be.at.least(4.5);
  });
});
