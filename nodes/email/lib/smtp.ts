import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { SMTPPoolOptions } from 'nodemailer/lib/smtp-pool';
import { IntegrationAuthError, NodeError, RetryableError, isNodeError } from '../../contract.js';
import { resolveChecked } from '../../lib/ssrf.js';

/** The config of an `smtp` integration (schemas/integrations/smtp.ts). */
export interface SmtpConfig {
  host: string;
  port: number;
  secure?: boolean;
  user?: string;
  password?: string;
  from: string;
}

/** Generous for slow relays, short enough that a dead host fails the step instead of holding it. */
const CONNECTION_TIMEOUT_MS = 15_000;
const SOCKET_TIMEOUT_MS = 60_000;

/**
 * Connection options for nodemailer. Unless private networks are allowed, the host is resolved once
 * here and every address checked, and nodemailer connects to the checked address (TLS still verifies
 * the certificate against the host name): a rebinding DNS answer cannot point it elsewhere later.
 */
export async function smtpOptions(config: SmtpConfig, allowPrivateNetwork: boolean): Promise<SMTPPoolOptions> {
  const host = allowPrivateNetwork || isIP(config.host) ? config.host : (await resolveChecked(config.host))[0]!.address;
  if (!allowPrivateNetwork && isIP(config.host)) await resolveChecked(config.host);
  return {
    host,
    port: config.port,
    secure: config.secure ?? false,
    ...(host !== config.host ? { servername: config.host } : {}),
    ...(config.user ? { auth: { user: config.user, pass: config.password ?? '' } } : {}),
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: CONNECTION_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
    // Attachments are fetched by the node through the SSRF guard; nodemailer must never read a path or URL itself.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/** Identifies a config without holding its secrets: a changed password makes a new pool. */
export const configHash = (config: SmtpConfig, allowPrivateNetwork: boolean): string =>
  createHash('sha256').update(JSON.stringify([config.host, config.port, config.secure, config.user, config.password, allowPrivateNetwork])).digest('hex');

interface SmtpError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

const CONNECTION_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

/**
 * What a failure of the SMTP server means for the step: refused credentials are final and mark the
 * integration, connection trouble and 4xx replies are worth another try, anything else is final.
 */
export function smtpFailure(err: unknown, host: string): Error {
  if (isNodeError(err)) return err;
  const e = err as SmtpError;
  const said = e.response ? ` (the server said: ${e.response.slice(0, 300)})` : '';
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    return new IntegrationAuthError(`The SMTP server ${host} refused the user name or password${said}. Correct them in the integration and test it again.`);
  }
  if (CONNECTION_CODES.has(e.code ?? '') || (e.responseCode !== undefined && e.responseCode >= 400 && e.responseCode < 500)) {
    return new RetryableError(`Could not send through ${host}: ${e.message}${said}`, 'smtp_unavailable');
  }
  if (e.code === 'ETLS') {
    return new NodeError(`The TLS connection to ${host} failed: ${e.message}. Check the port and the "secure" setting (true for port 465, false for 587 and 25).`, 'smtp_tls');
  }
  return new NodeError(`The SMTP server ${host} did not take the message: ${e.message}${said}`, 'smtp_rejected');
}
