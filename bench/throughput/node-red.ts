import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnNode, type Child } from './processes.js';

/**
 * Node-RED 5 as an optional reference (BENCH_NODE_RED=1): installed on demand into a temporary folder
 * with `npm install --prefix <tmp> node-red@5` (never a dependency of Switchboard), run with a settings
 * file (loopback, no editor or admin API) and a flows file with the benchmark's flow:
 *
 *   http in (POST /webhooks/bench) → switch (msg.payload.email is not empty) → change (msg.payload =
 *   {email, ok: true}) → http response 202
 *
 * Node-RED keeps nothing: it answers once the flow has run in memory, so its answered requests per
 * second are also its finished flows per second. The change node copies with plain rules (no JSONata),
 * the quickest way Node-RED offers.
 */
export const NODE_RED_PATH = '/webhooks/bench';

const FLOWS = [
  { id: 'bench-tab', type: 'tab', label: 'Benchmark' },
  { id: 'hook', type: 'http in', z: 'bench-tab', url: NODE_RED_PATH, method: 'post', upload: false, wires: [['check']] },
  { id: 'check', type: 'switch', z: 'bench-tab', property: 'payload.email', propertyType: 'msg', rules: [{ t: 'nempty' }], checkall: 'true', repair: false, outputs: 1, wires: [['shape']] },
  {
    id: 'shape',
    type: 'change',
    z: 'bench-tab',
    rules: [
      { t: 'set', p: 'shaped', pt: 'msg', to: '{"email":"","ok":true}', tot: 'json' },
      { t: 'set', p: 'shaped.email', pt: 'msg', to: 'payload.email', tot: 'msg' },
      { t: 'move', p: 'shaped', pt: 'msg', to: 'payload', tot: 'msg' },
    ],
    wires: [['answer']],
  },
  { id: 'answer', type: 'http response', z: 'bench-tab', statusCode: '202', headers: {}, wires: [] },
];

const settings = (port: number) => `module.exports = ${JSON.stringify(
  {
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    credentialSecret: false,
    httpAdminRoot: false,
    diagnostics: { enabled: false, ui: false },
    runtimeState: { enabled: false, ui: false },
    telemetry: { enabled: false, updateNotification: false },
    logging: { console: { level: 'warn', metrics: false, audit: false } },
    externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
    editorTheme: { projects: { enabled: false } },
  },
  null,
  2,
)};\n`;

export interface NodeRedInstall {
  dir: string;
  version: string;
  /** Removes the folder. */
  close(): Promise<void>;
}

/** `npm install --prefix <tmp> node-red@5` (npm from PATH, its cache makes later installs quick). */
export async function installNodeRed(log: (line: string) => void): Promise<NodeRedInstall> {
  const dir = await mkdtemp(join(tmpdir(), 'switchboard-bench-node-red-'));
  const close = () => rm(dir, { recursive: true, force: true });
  try {
    log(`installing node-red@5 into ${dir} (npm install --prefix)`);
    const args = ['install', '--prefix', dir, 'node-red@5', '--no-audit', '--no-fund', '--omit=dev', '--loglevel=error'];
    await promisify(execFile)('npm', args, { timeout: 10 * 60_000, maxBuffer: 16 * 2 ** 20 });
    const pkg = JSON.parse(await readFile(join(dir, 'node_modules/node-red/package.json'), 'utf8')) as { version: string };
    return { dir, version: pkg.version, close };
  } catch (err) {
    await close();
    throw new Error(`could not install node-red@5: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Writes the settings and flows into a fresh user directory and starts Node-RED on `port`. */
export async function startNodeRed(install: NodeRedInstall, port: number, logFile: string): Promise<Child> {
  const userDir = join(install.dir, `user-${port}`);
  await mkdir(userDir, { recursive: true });
  await writeFile(join(userDir, 'settings.cjs'), settings(port));
  await writeFile(join(userDir, 'flows.json'), JSON.stringify(FLOWS, null, 2));
  const red = join(install.dir, 'node_modules/node-red/red.js');
  return spawnNode('node-red', [red, '--settings', join(userDir, 'settings.cjs'), '--userDir', userDir], { NODE_ENV: 'production' }, logFile, install.dir);
}
