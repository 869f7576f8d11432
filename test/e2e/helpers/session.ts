import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { databaseKinds } from '../../helpers/databases.js';
import type { Workspace } from '../../helpers/flows.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { createSubaccount, registerAgency, type Agency } from '../../helpers/story.js';
import { DESKTOP, launchChromium, openPage } from './browser.js';
import { buildEditorIfStale } from './editor-build.js';

/** Where the e2e tests save the screenshots docs/editor.md shows. */
export const DOCS = fileURLToPath(new URL('../../../docs/editor/', import.meta.url));

/** Every editor story's stage: a server on SQLite, an agency owner with a sub-account, and Chromium. */
export interface EditorSession {
  server: TestServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of the page. */
  errors: string[];
  owner: Agency;
  ws: Workspace;
}

/**
 * Builds the editor if its build is stale, starts the server and Chromium at the desktop size, and, unless
 * `signedIn` is false, puts the owner's token where the editor keeps it.
 */
export async function startEditorSession(options: { signedIn?: boolean } = {}): Promise<EditorSession> {
  buildEditorIfStale();
  mkdirSync(DOCS, { recursive: true });
  const server = await startServer(databaseKinds.find((k) => k.name === 'sqlite')!);
  const owner = await registerAgency(server, 'Northwind Marketing');
  const ws = { server, token: owner.token, sid: await createSubaccount(server, owner.token, 'Bakery client') };
  const browser = await launchChromium();
  const context = await browser.newContext({ viewport: DESKTOP });
  if (options.signedIn !== false) await context.addInitScript((token) => localStorage.setItem('switchboard.token', token), owner.token);
  const errors: string[] = [];
  const page = await openPage(context, errors);
  return { server, browser, context, page, errors, owner, ws };
}

export async function closeEditorSession(session: Partial<Pick<EditorSession, 'browser' | 'server'>>): Promise<void> {
  await session.browser?.close();
  await session.server?.close();
}
