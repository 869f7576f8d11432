import { createTransport, type Transporter } from 'nodemailer';
import { configHash, smtpOptions, type SmtpConfig } from '../lib/smtp.js';

/** A pool nobody sent through for this long is closed (its connections and its entry). */
export const POOL_IDLE_MS = 60_000;
const MAX_CONNECTIONS = 3;

interface Entry {
  hash: string;
  transport: Promise<Transporter>;
  timer?: NodeJS.Timeout;
}

/** One pooled SMTP transport per integration, replaced when its config changes. */
const pools = new Map<string, Entry>();

function close(id: string, entry: Entry): void {
  clearTimeout(entry.timer);
  if (pools.get(id) === entry) pools.delete(id);
  void entry.transport.then((t) => t.close(), () => undefined);
}

function touch(id: string, entry: Entry): void {
  clearTimeout(entry.timer);
  entry.timer = setTimeout(() => close(id, entry), POOL_IDLE_MS);
  entry.timer.unref();
}

/** The integration's pooled transport, opened on first use and kept while mail keeps flowing. */
export function pooledTransport(integrationId: string, config: SmtpConfig, allowPrivateNetwork: boolean): Promise<Transporter> {
  const hash = configHash(config, allowPrivateNetwork);
  let entry = pools.get(integrationId);
  if (entry && entry.hash !== hash) {
    close(integrationId, entry);
    entry = undefined;
  }
  if (!entry) {
    const created: Entry = {
      hash,
      transport: smtpOptions(config, allowPrivateNetwork).then((options) => createTransport({ ...options, pool: true, maxConnections: MAX_CONNECTIONS, idleTimeout: POOL_IDLE_MS })),
    };
    // A failed set-up (a refused address) is not kept: the next send tries again.
    created.transport.catch(() => close(integrationId, created));
    pools.set(integrationId, created);
    entry = created;
  }
  touch(integrationId, entry);
  return entry.transport;
}

/** Drops an integration's pool, e.g. after its server refused the credentials. */
export function dropTransport(integrationId: string): void {
  const entry = pools.get(integrationId);
  if (entry) close(integrationId, entry);
}

/** How many pools are open, for tests. */
export const openPools = (): number => pools.size;
