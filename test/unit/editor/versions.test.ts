import { expect } from 'chai';
import { diffGraphs, formatPath, preview, valueChanges } from '../../../editor/src/lib/diff.js';
import { draftKey, draftToOffer, dropDraft, keepDraft, readDraft, type DraftStorage } from '../../../editor/src/lib/draft.js';
import { graph } from './fixtures.js';

/** The Storage calls a draft makes, on a Map. */
function memoryStorage(): DraftStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

describe('editor: version diff', () => {
  it('finds nodes added, removed, changed (with each config change) and connections added or removed', () => {
    const before = graph();
    const after = graph();
    after.nodes = after.nodes.filter((n) => n.id !== 'set');
    after.nodes.push({ id: 'mail', type: 'logic.set', config: { value: 'sent' }, position: { x: 900, y: 0 } });
    const check = after.nodes.find((n) => n.id === 'check')!;
    check.name = 'Has an email?';
    check.config = { rules: { combinator: 'or', rules: [{ left: '{{ $json.body.email }}', operator: 'is_not_empty' }, { left: '{{ $json.body.phone }}', operator: 'is_not_empty' }] } };
    after.edges = [after.edges[0], { source: 'check', sourcePort: 'true', target: 'mail' }];

    const diff = diffGraphs(before, after);
    expect(diff.same).to.equal(false);
    expect(diff.added.map((n) => n.id)).to.deep.equal(['mail']);
    expect(diff.removed.map((n) => n.id)).to.deep.equal(['set']);
    expect(diff.changed.map((c) => c.id)).to.deep.equal(['check']);
    const changes = diff.changed[0].changes.map((c) => ({ path: formatPath(c.path), kind: c.kind, before: c.before, after: c.after }));
    expect(changes).to.deep.equal([
      { path: 'name', kind: 'added', before: undefined, after: 'Has an email?' },
      { path: 'config.rules.combinator', kind: 'changed', before: 'and', after: 'or' },
      { path: 'config.rules.rules', kind: 'changed', before: before.nodes[1].config!.rules && (before.nodes[1].config!.rules as { rules: unknown }).rules, after: (check.config.rules as { rules: unknown }).rules },
    ]);
    expect(diff.edgesAdded).to.deep.equal([{ source: 'check', sourcePort: 'true', target: 'mail' }]);
    expect(diff.edgesRemoved).to.deep.equal([{ source: 'check', sourcePort: 'true', target: 'set' }]);
  });

  it('tells a node only moved apart from a real change, and two equal graphs as the same', () => {
    const before = graph();
    const after = graph();
    after.nodes[0].position = { x: 50, y: 80 };
    const diff = diffGraphs(before, after);
    expect(diff.same).to.equal(true);
    expect(diff.moved).to.deep.equal(['hook']);
    expect(diff.changed).to.deep.equal([]);
    expect(diffGraphs(graph(), graph())).to.include({ same: true });
  });

  it('reads an edge without a port as the main port', () => {
    const before = graph();
    const after = graph();
    delete after.edges[0].sourcePort;
    expect(diffGraphs(before, after).same).to.equal(true);
  });

  it('descends into objects and same-length arrays, and reports fields added and removed', () => {
    expect(valueChanges({ a: 1, list: [1, 2], gone: true }, { a: 2, list: [1, 3], fresh: 'x' })).to.deep.equal([
      { path: ['a'], kind: 'changed', before: 1, after: 2 },
      { path: ['fresh'], kind: 'added', after: 'x' },
      { path: ['gone'], kind: 'removed', before: true },
      { path: ['list', 1], kind: 'changed', before: 2, after: 3 },
    ]);
    expect(valueChanges([1], [1, 2])).to.deep.equal([{ path: [], kind: 'changed', before: [1], after: [1, 2] }]);
  });

  it('finds sticky notes added, removed, rewritten and recoloured, and counts notes only moved or resized apart', () => {
    const note = (id: string, text: string, extra: object = {}) => ({ id, text, position: { x: 0, y: -200 }, ...extra });
    const before = { ...graph(), notes: [note('why', 'Leads from the form'), note('old', 'Remove me'), note('spot', 'Stays', { size: { width: 240, height: 140 } }), note('tint', 'Same words')] };
    const after = {
      ...graph(),
      notes: [note('why', 'Leads from the form and the chat'), note('spot', 'Stays', { position: { x: 90, y: 0 }, size: { width: 400, height: 140 } }), note('tint', 'Same words', { color: 'pink' }), note('new', 'Call the bakery')],
    };
    const diff = diffGraphs(before, after);
    expect(diff.same).to.equal(false);
    expect(diff.notesAdded.map((n) => n.id)).to.deep.equal(['new']);
    expect(diff.notesRemoved.map((n) => n.id)).to.deep.equal(['old']);
    expect(diff.notesChanged.map((c) => ({ id: c.id, changes: c.changes }))).to.deep.equal([
      { id: 'why', changes: [{ path: ['text'], kind: 'changed', before: 'Leads from the form', after: 'Leads from the form and the chat' }] },
      { id: 'tint', changes: [{ path: ['color'], kind: 'changed', before: 'yellow', after: 'pink' }] },
    ]);
    expect(diff.notesMoved).to.deep.equal(['spot']);
    expect(diff.added).to.deep.equal([]);

    const onlyMoved = diffGraphs(before, { ...graph(), notes: before.notes.map((n) => ({ ...n, position: { x: 5, y: 5 } })) });
    expect(onlyMoved).to.include({ same: true });
    expect(onlyMoved.notesMoved).to.have.length(4);
    expect(diffGraphs({ ...graph(), notes: [note('a', 'x', { color: 'yellow' })] }, { ...graph(), notes: [note('a', 'x')] }).same).to.equal(true, 'no colour is yellow');
    expect(diffGraphs(graph(), { ...graph(), notes: [note('a', 'x')] }).notesAdded).to.have.length(1);
  });

  it('formats paths and cuts long values', () => {
    expect(formatPath(['config', 'rules', 'rules', 0, 'value'])).to.equal('config.rules.rules[0].value');
    expect(preview('x'.repeat(200), 10)).to.have.length(10);
    expect(preview(undefined)).to.equal('(none)');
    expect(preview({ a: 1 })).to.equal('{"a":1}');
  });
});

describe('editor: local drafts', () => {
  const at = '2026-01-01T00:00:00.000Z';

  it('keeps a draft per flow and reads it back', () => {
    const storage = memoryStorage();
    keepDraft(storage, 's1', 'f1', { baseVersion: 3, graph: graph(), savedAt: at });
    expect(readDraft(storage, 's1', 'f1')).to.deep.equal({ baseVersion: 3, graph: graph(), savedAt: at });
    expect(readDraft(storage, 's1', 'f2')).to.equal(null);
    dropDraft(storage, 's1', 'f1');
    expect(readDraft(storage, 's1', 'f1')).to.equal(null);
  });

  it('offers a draft only when it differs from what the server holds, and forgets one that does not', () => {
    const storage = memoryStorage();
    const edited = graph();
    edited.nodes[2].config = { value: { ok: false } };
    keepDraft(storage, 's', 'f', { baseVersion: 1, graph: edited, savedAt: at });
    expect(draftToOffer(storage, 's', 'f', graph())?.graph).to.deep.equal(edited);
    keepDraft(storage, 's', 'f', { baseVersion: 1, graph: graph(), savedAt: at });
    expect(draftToOffer(storage, 's', 'f', graph())).to.equal(null);
    expect(storage.map.has(draftKey('s', 'f'))).to.equal(false);
  });

  it('ignores what is not a draft (broken JSON, another shape)', () => {
    const storage = memoryStorage();
    for (const text of ['{not json', '{"baseVersion":"1","graph":{"nodes":[],"edges":[]},"savedAt":"x"}', '{"baseVersion":1,"graph":{"nodes":{}},"savedAt":"x"}', 'null']) {
      storage.setItem(draftKey('s', 'f'), text);
      expect(readDraft(storage, 's', 'f'), text).to.equal(null);
    }
  });

  it('goes on editing when the storage is full', () => {
    const full: DraftStorage = { getItem: () => null, removeItem: () => undefined, setItem: () => { throw new Error('QuotaExceededError'); } };
    expect(() => keepDraft(full, 's', 'f', { baseVersion: 1, graph: graph(), savedAt: at })).not.to.throw();
  });
});

describe('editor: the approvals inbox route', () => {
  it('has a URL of its own per sub-account', async () => {
    const { formatRoute, parseRoute } = await import('../../../editor/src/lib/route.js');
    expect(parseRoute('/s/abc/approvals')).to.deep.equal({ screen: 'approvals', sid: 'abc' });
    expect(formatRoute({ screen: 'approvals', sid: 'a b' })).to.equal('/s/a%20b/approvals');
  });
});

describe('editor: cron in plain language', () => {
  it('describes a cron expression, and says why a bad one does not read', async () => {
    const { describeCron } = await import('../../../editor/src/lib/cron.js');
    expect(describeCron('0 9 * * 1-5')).to.deep.equal({ text: 'At 09:00, Monday through Friday', ok: true });
    expect(describeCron('*/15 * * * *').text).to.equal('Every 15 minutes');
    const bad = describeCron('99 * * * *');
    expect(bad.ok).to.equal(false);
    expect(bad.text).to.match(/^Not a cron expression: /);
    expect(describeCron('  ').ok).to.equal(false);
  });
});
