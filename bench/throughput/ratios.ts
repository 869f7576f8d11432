import type { ReferenceResult } from './references.js';
import type { ConfigResult } from './report.js';

/**
 * Switchboard's figures as shares of the same-sitting references (references.ts): accepted and
 * end-to-end rates ÷ the bare node:http server's and Node-RED's rates, and CPU per execution ÷ the bare
 * server's CPU per request. A share is meant to be the same on a machine twice as fast or half as fast.
 */

const n0 = (v: number | undefined) => (v === undefined ? '–' : Math.round(v).toLocaleString('en-US'));
const n1 = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(1));
const n2 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2));

const measured = (refs: ReferenceResult[], id: ReferenceResult['id']) => refs.filter((r) => r.id === id && !r.error && r.load && r.load.accepted > 0);

const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined);

/** CPU of the reference server's process tree during the load, per answered request, ms. */
export function serverMsPerRequest(r: ReferenceResult): number | undefined {
  if (!r.cpuLoad || !r.load?.accepted) return undefined;
  return ((r.cpuLoad.roles.web / 100) * r.cpuLoad.seconds * 1000) / r.load.accepted;
}

export interface Baseline {
  /** Mean of the bare server's measurements (before and after the configurations). */
  bare?: { perSec: number; msPerRequest?: number };
  nodeRed?: { perSec: number };
}

export function baseline(refs: ReferenceResult[]): Baseline {
  const bare = measured(refs, 'bare');
  const red = measured(refs, 'node-red');
  const barePerSec = mean(bare.map((r) => r.load!.acceptedPerSec));
  const redPerSec = mean(red.map((r) => r.load!.acceptedPerSec));
  return {
    bare: barePerSec ? { perSec: barePerSec, msPerRequest: mean(bare.map(serverMsPerRequest).filter((v): v is number => v !== undefined)) } : undefined,
    nodeRed: redPerSec ? { perSec: redPerSec } : undefined,
  };
}

export const REFERENCE_HEAD = ['reference', 'answered 2xx req/s', 'p50 ms', 'p99 ms', 'errors', 'server CPU %', 'server CPU ms per request', 'load generator %', 'everything else % (idle before / during)', 'machine busy %', 'server RSS MiB'];

export function referenceRows(refs: ReferenceResult[]): string[][] {
  return refs.map((r) => {
    const l = r.load;
    const c = r.cpuLoad;
    return [
      r.version ? `${r.label} ${r.version}` : r.label,
      r.error ? `failed: ${r.error.split('\n')[0].slice(0, 80)}` : n0(l?.acceptedPerSec),
      n1(l?.latency.p50),
      n1(l?.latency.p99),
      l ? n0(l.non2xx + l.socketErrors) : '–',
      n0(c?.roles.web),
      serverMsPerRequest(r) === undefined ? '–' : serverMsPerRequest(r)!.toFixed(3),
      n0(l?.cpuPercent),
      `${n0(r.cpuBefore?.others)} / ${n0(c?.others)}`,
      n0(c?.machineBusy),
      n0(c?.rssMiB.web),
    ];
  });
}

export function ratioHead(b: Baseline): string[] {
  return ['configuration', 'accepted ÷ bare', 'end-to-end ÷ bare', ...(b.nodeRed ? ['accepted ÷ Node-RED', 'end-to-end ÷ Node-RED'] : []), 'CPU per execution ÷ bare CPU per request'];
}

/** `cpuMs`: Switchboard + PostgreSQL + Redis CPU per succeeded execution, ms (report.ts). */
export function ratioRows(results: ConfigResult[], b: Baseline, cpuMs: (r: ConfigResult) => number | undefined): string[][] {
  return results.map((r) => {
    const accepted = r.load?.acceptedPerSec;
    const e2e = r.load ? r.e2ePerSec : undefined;
    const share = (v: number | undefined, ref: { perSec: number } | undefined) => (v === undefined || !ref ? undefined : v / ref.perSec);
    const ms = cpuMs(r);
    return [
      r.config.label,
      n2(share(accepted, b.bare)),
      n2(share(e2e, b.bare)),
      ...(b.nodeRed ? [n2(share(accepted, b.nodeRed)), n2(share(e2e, b.nodeRed))] : []),
      ms !== undefined && b.bare?.msPerRequest ? n1(ms / b.bare.msPerRequest) : '–',
    ];
  });
}

/** What a reader of the ratios should know: failed references, and how far the two bare runs are apart. */
export function referenceNotes(refs: ReferenceResult[]): string[] {
  const notes = refs.flatMap((r) => [...(r.error ? [`${r.label} did not complete: \`${r.error.split('\n')[0]}\` (log: ${r.logFile})`] : []), ...r.notes.map((n) => `${r.label}: ${n}`)]);
  const bare = measured(refs, 'bare').map((r) => r.load!.acceptedPerSec);
  if (bare.length === 2) {
    const apart = Math.abs(bare[0] - bare[1]) / ((bare[0] + bare[1]) / 2);
    notes.push(
      `The bare server answered ${n0(bare[0])} req/s before the configurations and ${n0(bare[1])} after (${(apart * 100).toFixed(0)} % apart)` +
        (apart > 0.1 ? ': the machine was not steady during the run, so every ratio is uncertain by about that much.' : '; the ratios use their mean.'),
    );
  }
  if (!bare.length) notes.push('The bare server could not be measured, so there are no ratios.');
  return notes;
}
