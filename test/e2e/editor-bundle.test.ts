import { expect } from 'chai';
import { gzipSync } from 'node:zlib';
import type { Response } from 'playwright-core';
import { createFlow } from '../helpers/flows.js';
import { closeEditorSession, startEditorSession, type EditorSession } from './helpers/session.js';

/** Issue 10's budget for the JavaScript of the first load, gzipped. */
const FIRST_LOAD_BUDGET = 500 * 1024;

/**
 * The JavaScript a browser fetches to show a page, from navigation until `ready`: every script response,
 * with its size gzipped (the size a compressing proxy or CDN sends; the server itself sends it plain).
 */
async function scriptsFetched(session: EditorSession, url: string, ready: () => Promise<unknown>) {
  const { page } = session;
  const scripts: Array<{ url: string; gzipped: number }> = [];
  const pending: Promise<void>[] = [];
  const onResponse = (response: Response) => {
    if (response.request().resourceType() !== 'script') return;
    pending.push(response.body().then((body) => void scripts.push({ url: response.url(), gzipped: gzipSync(body).length })));
  };
  page.on('response', onResponse);
  try {
    await page.goto(url);
    await ready();
    await Promise.all(pending);
  } finally {
    page.off('response', onResponse);
  }
  return { scripts, total: scripts.reduce((sum, s) => sum + s.gzipped, 0) };
}

describe('The editor’s first load in Chromium: the bundle budget', function () {
  this.timeout(120_000);
  let session: EditorSession;
  before(async () => (session = await startEditorSession()));
  after(() => closeEditorSession(session));

  it('opens a flow on the canvas with under 500 KB of gzipped JavaScript, the code editor not among it', async () => {
    const { ws, page } = session;
    const flow = await createFlow(ws, { nodes: [{ id: 'hook', type: 'trigger.webhook' }, { id: 'shape', type: 'logic.set', config: { value: { ok: true } } }], edges: [{ source: 'hook', target: 'shape' }] }, 'Budget');
    const { scripts, total } = await scriptsFetched(session, `${session.server.url}/s/${ws.sid}/flows/${flow.id}`, () => page.getByTestId('node-shape').waitFor());
    expect(scripts.length).to.be.greaterThan(0);
    expect(total, scripts.map((s) => `${s.url} ${s.gzipped}`).join('\n')).to.be.lessThan(FIRST_LOAD_BUDGET);
    expect(scripts.map((s) => s.url).filter((u) => /CodeEditor|codemirror/i.test(u)), 'CodeMirror loads when a code field is shown').to.deep.equal([]);
  });

  it('shows the flows list without the canvas or the code editor', async () => {
    const { ws, page } = session;
    const list = await scriptsFetched(session, `${session.server.url}/s/${ws.sid}/flows`, () => page.getByRole('link', { name: 'Budget' }).waitFor());
    expect(list.total).to.be.lessThan(FIRST_LOAD_BUDGET);
    expect(list.scripts.map((s) => s.url).filter((u) => /CodeEditor|EditorScreen/i.test(u)), 'the canvas and CodeMirror load with a flow').to.deep.equal([]);
  });
});
