import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createFlow, type Workspace } from '../helpers/flows.js';
import type { TestServer } from '../helpers/server.js';
import type { Agency } from '../helpers/story.js';
import { saveFailure } from './helpers/browser.js';
import { closeEditorSession, DOCS, startEditorSession } from './helpers/session.js';

const shot = (page: Page, name: string) => page.screenshot({ path: `${DOCS}${name}.png` });

describe('The editor in Chromium: "+" insertion, sticky notes and templates', function () {
  this.timeout(180_000);
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let owner: Agency;
  let ws: Workspace;
  let flowId: string;
  const api = (method: string, path: string, body?: unknown) => server.request(method, `/api/subaccounts/${ws.sid}${path}`, { token: owner.token, body });
  const toolbar = () => page.getByRole('toolbar', { name: 'Flow' });
  const edge = (id: string) => page.getByTestId(`rf__edge-${id}`);
  const edgeIds = async () => (await page.locator('.react-flow__edge').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).sort();

  before(async () => {
    ({ server, browser, context, page, errors, owner, ws } = await startEditorSession());
    // The copy / paste story reads what was copied back from the system clipboard.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const graph = {
      nodes: [
        { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 } },
        { id: 'shape', type: 'logic.set', config: { value: { ok: true } }, position: { x: 320, y: 0 } },
      ],
      edges: [{ source: 'start', target: 'shape' }],
    };
    flowId = (await createFlow(ws, graph, 'Order follow-up')).id;
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await saveFailure(page, 'editor-canvas');
  });
  after(() => closeEditorSession({ browser, server }));

  it('inserts a node on an edge with its "+" from the keyboard, rewiring the edges, and one undo takes it back', async () => {
    await page.goto(`${server.url}/s/${ws.sid}/flows/${flowId}`);
    await page.getByTestId('node-shape').waitFor();
    expect(await edgeIds()).to.deep.equal(['start:main->shape']);

    // An edge is focusable: Enter selects it, and the selected edge shows its "+".
    await edge('start:main->shape').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Insert a node between start and shape' }).click();
    const picker = page.getByRole('dialog', { name: 'Insert a node between start and shape' });
    const search = picker.getByRole('combobox', { name: 'Search nodes to add' });
    await search.fill('condition');
    expect(await picker.getByRole('option').first().getAttribute('data-type')).to.equal('logic.condition');
    expect(await picker.locator('[data-type^="trigger."]').count()).to.equal(0, 'nothing connects into a trigger');
    await search.press('Enter');

    await page.getByTestId('node-condition').waitFor();
    await edge('condition:true->shape').waitFor();
    expect(await edgeIds()).to.deep.equal(['condition:true->shape', 'start:main->condition']);
    // The layout made room: the condition sits between the two, which no longer overlap it.
    const [start, condition, shape] = await Promise.all(['start', 'condition', 'shape'].map(async (id) => (await page.getByTestId(`node-${id}`).boundingBox())!));
    expect(condition.x).to.be.greaterThan(start.x + start.width);
    expect(shape.x).to.be.greaterThan(condition.x + condition.width);

    await toolbar().getByRole('button', { name: 'Undo' }).click();
    await page.getByTestId('node-condition').waitFor({ state: 'detached' });
    expect(await edgeIds()).to.deep.equal(['start:main->shape']);
    await toolbar().getByRole('button', { name: 'Redo' }).click();
    await edge('condition:true->shape').waitFor();
    await toolbar().getByRole('button', { name: 'Undo' }).click();
    await page.getByTestId('node-condition').waitFor({ state: 'detached' });

    // Pointing at a connection shows its "+" as well; it goes once the pointer leaves.
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    const plus = page.getByRole('button', { name: 'Insert a node between start and shape' });
    await plus.waitFor({ state: 'detached' });
    await edge('start:main->shape').locator('.react-flow__edge-interaction').hover({ force: true });
    await plus.waitFor();
    await page.mouse.move(60, 600);
    await plus.waitFor({ state: 'detached' });
  });

  it('adds a node after an output port with the port’s "+", picked with the arrow keys', async () => {
    await page.getByTestId('node-shape').hover();
    await page.getByRole('button', { name: 'Add a node after Set (main)' }).click();
    const picker = page.getByRole('dialog', { name: 'Add a node after shape (main)' });
    const search = picker.getByRole('combobox', { name: 'Search nodes to add' });
    await search.fill('http');
    await search.press('ArrowDown');
    await search.press('ArrowUp');
    expect(await picker.getByRole('option', { selected: true }).getAttribute('data-type')).to.equal('http.request');
    await search.press('Enter');
    await edge('shape:main->request').waitFor();
    const [shape, request] = await Promise.all(['shape', 'request'].map(async (id) => (await page.getByTestId(`node-${id}`).boundingBox())!));
    expect(request.x).to.be.greaterThan(shape.x + shape.width);

    // Escape closes the picker without adding anything.
    await page.getByTestId('node-shape').hover();
    await page.getByRole('button', { name: 'Add a node after Set (main)' }).click();
    await page.getByRole('combobox', { name: 'Search nodes to add' }).press('Escape');
    await page.getByRole('dialog', { name: 'Add a node after shape (main)' }).waitFor({ state: 'detached' });
    await toolbar().getByRole('button', { name: 'Undo' }).click();
    await page.getByTestId('node-request').waitFor({ state: 'detached' });
  });

  it('adds a sticky note, writes, colours and resizes it, saves, and finds it after a reload; delete and undo', async () => {
    await page.getByRole('button', { name: 'Add sticky note', exact: true }).click();
    const note = page.getByTestId('note-note_1');
    await note.waitFor();
    await note.getByLabel('Note text').fill('Call the bakery\nbefore Friday');
    // Select the note by its frame (the text area is for typing) to get its colours and delete button.
    await note.click({ position: { x: 4, y: 4 } });
    await note.getByRole('button', { name: 'Colour blue' }).click();
    await page.locator('.sticky-note.note-blue').waitFor();
    // Moved by its head (the text area is for typing).
    const placed = (await note.boundingBox())!;
    const head = (await note.locator('.note-head').boundingBox())!;
    await page.mouse.move(head.x + head.width / 2, head.y + head.height / 2);
    await page.mouse.down();
    await page.mouse.move(head.x + head.width / 2 + 80, head.y + head.height / 2 + 40, { steps: 8 });
    await page.mouse.up();
    const moved = (await note.boundingBox())!;
    expect(moved.x).to.be.greaterThan(placed.x + 50);
    expect(moved.y).to.be.greaterThan(placed.y + 20);
    const before = (await note.boundingBox())!;
    const corner = (await note.locator('.note-resize').boundingBox())!;
    await page.mouse.move(corner.x + corner.width / 2, corner.y + corner.height / 2);
    await page.mouse.down();
    await page.mouse.move(corner.x + 80, corner.y + 60, { steps: 8 });
    await page.mouse.up();
    const resized = (await note.boundingBox())!;
    expect(resized.width).to.be.greaterThan(before.width + 40);
    expect(resized.height).to.be.greaterThan(before.height + 30);
    await toolbar().getByRole('button', { name: 'Fit view' }).click();
    await page.waitForTimeout(400); // the fit is animated (200 ms)
    await shot(page, 'sticky-notes');

    await toolbar().getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: version 2' }).waitFor();
    const saved = (await api('GET', `/flows/${flowId}`)).body;
    expect(saved.notes).to.have.length(1);
    expect(saved.notes[0]).to.include({ id: 'note_1', text: 'Call the bakery\nbefore Friday', color: 'blue' });
    expect(saved.notes[0].size.width).to.be.greaterThan(240);
    expect(saved.graph.nodes.map((n: { id: string }) => n.id)).to.deep.equal(['start', 'shape']);

    await page.reload();
    const reloaded = page.getByTestId('note-note_1');
    expect(await reloaded.getByLabel('Note text').inputValue()).to.equal('Call the bakery\nbefore Friday');
    expect(await page.locator('.sticky-note.note-blue').count()).to.equal(1);

    await reloaded.click({ position: { x: 4, y: 4 } });
    await reloaded.getByRole('button', { name: 'Delete note' }).click();
    await reloaded.waitFor({ state: 'detached' });
    await toolbar().getByText('unsaved changes').waitFor();
    await toolbar().getByRole('button', { name: 'Undo' }).click();
    expect(await page.getByTestId('note-note_1').getByLabel('Note text').inputValue()).to.equal('Call the bakery\nbefore Friday');
  });

  it('starts a flow from a template in the flows list and opens it laid out', async () => {
    await page.goto(`${server.url}/s/${ws.sid}/flows`);
    await page.getByRole('button', { name: 'From a template' }).click();
    const dialog = page.getByRole('dialog', { name: 'Start from a template' });
    await dialog.locator('[data-template="lead-processing"]').waitFor();
    await dialog.locator('[data-template="glytch-bridge"]').filter({ hasText: 'GoHighLevel, OpenAI' }).waitFor();
    await shot(page, 'templates');
    await dialog.getByRole('button', { name: 'Use template Lead processing' }).click();

    await toolbar().getByRole('heading', { name: 'Lead processing' }).waitFor();
    for (const id of ['lead', 'validate', 'upsert', 'deal']) await page.getByTestId(`node-${id}`).waitFor();
    // Laid out on opening: the nodes do not pile up on one spot.
    const boxes = await Promise.all(['lead', 'validate', 'find'].map(async (id) => (await page.getByTestId(`node-${id}`).boundingBox())!));
    expect(new Set(boxes.map((b) => Math.round(b.x))).size).to.equal(3);

    const flows = (await api('GET', '/flows')).body.items as { id: string; name: string; active: boolean }[];
    const created = flows.find((f) => f.name === 'Lead processing')!;
    expect(created.active).to.equal(false);
    expect(new URL(page.url()).pathname).to.equal(`/s/${ws.sid}/flows/${created.id}`);
    const integrations = (await api('GET', '/integrations')).body.items as { template: string; status: string }[];
    expect(integrations.map((i) => [i.template, i.status])).to.deep.equal([['gohighlevel', 'pending']]);
  });

  it('copies a node and a sticky note into another flow, duplicates a note, diffs the notes between versions, and Duplicate and Import carry them', async () => {
    const digest = (await createFlow(ws, { nodes: [{ id: 'start', type: 'trigger.manual' }] }, 'Weekly digest')).id;
    const notice = (text: string) => page.locator('.notice').filter({ hasText: text });
    await page.goto(`${server.url}/s/${ws.sid}/flows/${flowId}`);
    const note = page.getByTestId('note-note_1');
    await note.waitFor();
    // A node and a note selected together (Ctrl+click adds the note), copied with the keyboard.
    await page.getByTestId('node-shape').click();
    await page.keyboard.down('Control');
    await note.click({ position: { x: 4, y: 4 } });
    await page.keyboard.up('Control');
    await page.locator('.react-flow__node-note.selected').waitFor();
    await page.keyboard.press('Control+c');
    await notice('Copied 1 node and 1 note.').waitFor();
    const copied = JSON.parse(await page.evaluate('navigator.clipboard.readText()'));
    expect(copied.nodes.map((n: { id: string }) => n.id)).to.deep.equal(['shape']);
    expect(copied.notes.map((n: { text: string; color: string }) => [n.text, n.color])).to.deep.equal([['Call the bakery\nbefore Friday', 'blue']]);

    // Into another flow, through the system clipboard.
    await page.goto(`${server.url}/s/${ws.sid}/flows/${digest}`);
    await page.getByTestId('node-start').waitFor();
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await page.keyboard.press('Control+v');
    await notice('Pasted 1 node and 1 note.').waitFor();
    await page.getByTestId('node-shape').waitFor();
    expect(await page.getByTestId('note-note_1').getByLabel('Note text').inputValue()).to.equal('Call the bakery\nbefore Friday');
    expect(await page.locator('.sticky-note.note-blue.selected').count()).to.equal(1, 'the pasted note is selected');

    // Ctrl+D on the note alone duplicates it under a new id.
    await page.locator('.react-flow__pane').click({ position: { x: 40, y: 40 } });
    await page.getByTestId('note-note_1').click({ position: { x: 4, y: 4 } });
    await page.keyboard.press('Control+d');
    await notice('Pasted 1 note.').waitFor();
    expect(await page.getByTestId('note-note_2').getByLabel('Note text').inputValue()).to.equal('Call the bakery\nbefore Friday');
    expect(await page.getByTestId('node-shape_2').count()).to.equal(0, 'no node was selected to duplicate');
    await toolbar().getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: version 2' }).waitFor();
    const saved = (await api('GET', `/flows/${digest}`)).body;
    expect(saved.notes.map((n: { id: string; text: string }) => [n.id, n.text])).to.deep.equal([
      ['note_1', 'Call the bakery\nbefore Friday'],
      ['note_2', 'Call the bakery\nbefore Friday'],
    ]);
    expect(saved.graph.nodes.map((n: { id: string }) => n.id)).to.deep.equal(['start', 'shape']);

    // Version 3 rewrites one note and deletes the other; the diff between the versions shows both.
    await page.getByTestId('note-note_2').getByLabel('Note text').fill('Bakery called on Thursday');
    await page.getByTestId('note-note_1').click({ position: { x: 4, y: 4 } });
    await page.getByTestId('note-note_1').getByRole('button', { name: 'Delete note' }).click();
    await toolbar().getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved: version 3' }).waitFor();
    await toolbar().getByRole('button', { name: 'History' }).click();
    await page.getByRole('button', { name: 'Compare with v3: version 2' }).click();
    const notes = page.getByRole('dialog', { name: 'Version 2 → version 3' }).getByRole('region', { name: 'Sticky notes' });
    await notes.waitFor();
    expect(await notes.locator('.diff-removed').innerText()).to.equal('− note "Call the bakery before Friday"');
    const changed = notes.locator('.diff-changed');
    expect(await changed.locator('tbody tr').allInnerTexts()).to.deep.equal(['text\t"Call the bakery\\nbefore Friday"\t"Bakery called on Thursday"']);
    await page.keyboard.press('Escape');

    // Duplicate in the flows list copies the notes with the flow; an exported file imports back with them.
    await page.goto(`${server.url}/s/${ws.sid}/flows`);
    await page.locator('tr[data-flow="Weekly digest"]').getByRole('button', { name: 'Duplicate' }).click();
    await page.locator('tr[data-flow="Weekly digest (copy)"]').waitFor();
    const flows = (await api('GET', '/flows')).body.items as { id: string; name: string; notes: { text: string }[] }[];
    expect(flows.find((f) => f.name === 'Weekly digest (copy)')!.notes.map((n) => n.text)).to.deep.equal(['Bakery called on Thursday']);
    const exported = (await api('GET', `/flows/${digest}/export`)).body;
    expect(exported.notes.map((n: { text: string }) => n.text)).to.deep.equal(['Bakery called on Thursday']);
    await page.getByLabel('Import JSON').setInputFiles({ name: 'digest.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...exported, name: 'Imported digest' })) });
    await toolbar().getByRole('heading', { name: 'Imported digest' }).waitFor();
    expect(await page.getByTestId('note-note_2').getByLabel('Note text').inputValue()).to.equal('Bakery called on Thursday');
  });

  it('logged no console errors', () => {
    expect(errors).to.deep.equal([]);
  });
});
