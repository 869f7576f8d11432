import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { nodeRegistry } from '../nodes/registry.js';
import type { FlowDocument } from '../schemas/flow.js';
import { flowDocumentBodySchema, flowDocuments } from './api/flow-documents.js';
import { AuditLog } from './audit/log.js';
import { isId } from './db/columns.js';
import type { Models } from './db/models/index.js';
import { TemplateCatalog } from './integrations/catalog.js';
import { HttpError } from './lib/errors.js';
import { assertValid } from './lib/validation.js';

async function documentsFor(models: Models, encryptionKey: Buffer) {
  return flowDocuments({ models, registry: await nodeRegistry(), encryptionKey, templates: new TemplateCatalog(models), audit: new AuditLog(models) });
}

/**
 * `export-flows <dir>`: every flow's current version as the API's export document (secrets masked), one
 * file per flow at `<dir>/<sub-account id>/<flow id>.json`. Resolves with the number of flows written.
 */
export async function exportFlows(models: Models, encryptionKey: Buffer, dir: string): Promise<{ flows: number; subaccounts: number }> {
  const documents = await documentsFor(models, encryptionKey);
  const flows = await models.Flow.findAll({ order: [['id', 'ASC']] });
  const subaccounts = new Set<string>();
  for (const flow of flows) {
    const version = await models.FlowVersion.findOne({ where: { flowId: flow.id, version: flow.version } });
    if (!version) continue;
    const folder = join(dir, flow.subaccountId);
    if (!subaccounts.has(flow.subaccountId)) await mkdir(folder, { recursive: true });
    subaccounts.add(flow.subaccountId);
    await writeFile(join(folder, `${flow.id}.json`), `${JSON.stringify(documents.exported(flow, version), null, 2)}\n`);
  }
  return { flows: flows.length, subaccounts: subaccounts.size };
}

export interface ImportOutcome {
  file: string;
  flowId?: string;
  error?: string;
}

/** Each `*.json` in `dir` with the sub-account it goes to: `into`, or the name of its folder (as exported). */
async function filesToImport(dir: string, into: string | undefined): Promise<Array<{ path: string; subaccountId: string }>> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files: Array<{ path: string; subaccountId: string }> = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.isFile() && entry.name.endsWith('.json') && into) files.push({ path: join(dir, entry.name), subaccountId: into });
    if (!entry.isDirectory()) continue;
    for (const name of (await readdir(join(dir, entry.name))).sort()) {
      if (name.endsWith('.json')) files.push({ path: join(dir, entry.name, name), subaccountId: into ?? entry.name });
    }
  }
  return files;
}

/** What went wrong with one file, in one line with the paths the checks named. */
function problem(err: unknown): string {
  if (err instanceof HttpError) {
    const details = err.details.map((d) => `${d.path}: ${d.message}`).slice(0, 5);
    return details.length ? `${err.message} (${details.join('; ')})` : err.message;
  }
  if (err instanceof SyntaxError) return `not JSON: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * `import-flows <dir> [--subaccount ID]`: every document in the folder becomes a new, inactive flow of its
 * sub-account, after the same checks as `POST …/flows/import` (graph, notes, pinned data, integrations of
 * that sub-account; masked secrets must be entered again). A file that fails is reported and the others
 * are still imported.
 */
export async function importFlows(models: Models, encryptionKey: Buffer, dir: string, into?: string): Promise<ImportOutcome[]> {
  const documents = await documentsFor(models, encryptionKey);
  const outcomes: ImportOutcome[] = [];
  for (const { path, subaccountId } of await filesToImport(dir, into)) {
    const file = relative(dir, path);
    try {
      const subaccount = isId(subaccountId) ? await models.Subaccount.findByPk(subaccountId) : null;
      if (!subaccount) throw new Error(`no sub-account ${subaccountId} on this server (name one with --subaccount)`);
      const doc = assertValid<FlowDocument>(flowDocumentBodySchema, JSON.parse(await readFile(path, 'utf8')), 'flow document');
      const flow = await documents.create({ agencyId: subaccount.agencyId, subaccountId: subaccount.id, author: { createdById: null, createdByEmail: null } }, doc);
      outcomes.push({ file, flowId: flow.id });
    } catch (err) {
      outcomes.push({ file, error: problem(err) });
    }
  }
  return outcomes;
}
