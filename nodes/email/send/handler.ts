import { defineNode, isIntegrationAuthError, NodeError } from '../../contract.js';
import { smtpFailure, type SmtpConfig } from '../lib/smtp.js';
import { loadAttachments } from './attachments.js';
import { dropTransport, pooledTransport } from './pool.js';
import { configSchema, type Config } from './schema.js';

const list = (value: string | string[] | undefined): string | string[] | undefined => (Array.isArray(value) ? value : value?.trim() || undefined);

/** Addresses as the SMTP server reported them (strings, or objects from some transports). */
const addresses = (value: unknown): string[] => (Array.isArray(value) ? value.map((a) => (typeof a === 'string' ? a : String((a as { address?: unknown })?.address ?? a))) : []);

export default defineNode<Config>({
  type: 'email.send',
  category: 'Email',
  title: 'Send email',
  description:
    'Sends an email through an SMTP integration: to, cc, bcc and reply-to, a subject, a text and/or HTML body and attachments (fetched from a URL, or given as base64; at most 10 MiB each, 20 MiB together). ' +
    'Emits {messageId, accepted, rejected}. A refused user name or password fails the step and marks the integration as in error; an unreachable server is retryable.',
  configSchema,
  outputs: ['main', 'error'],
  integration: 'smtp',
  async run({ config, credentials, integration, signal, allowPrivateNetwork, log }) {
    const smtp = credentials as unknown as SmtpConfig;
    if (!config.text && !config.html) throw new NodeError('The email has no body: give it a text or an HTML body (or both).', 'invalid_config');
    const attachments = await loadAttachments(config.attachments, { signal, allowPrivateNetwork, log });
    const transport = await pooledTransport(integration!.id, smtp, allowPrivateNetwork).catch((err: unknown) => {
      throw smtpFailure(err, smtp.host);
    });
    try {
      const info = await transport.sendMail({
        from: smtp.from,
        to: list(config.to),
        cc: list(config.cc),
        bcc: list(config.bcc),
        replyTo: config.replyTo,
        subject: config.subject,
        text: config.text,
        html: config.html,
        attachments,
        signal,
      });
      const result = { messageId: String(info.messageId), accepted: addresses(info.accepted), rejected: addresses(info.rejected) };
      log(`sent ${result.messageId} through ${smtp.host}: ${result.accepted.length} accepted, ${result.rejected.length} rejected`);
      return { main: result };
    } catch (err) {
      const failure = smtpFailure(err, smtp.host);
      if (isIntegrationAuthError(failure)) dropTransport(integration!.id);
      throw failure;
    }
  },
});
