import { createTransport } from 'nodemailer';
import { smtpFailure, smtpOptions, type SmtpConfig } from '../../nodes/email/lib/smtp.js';
import type { IntegrationTemplate } from './template.js';

export const smtp: IntegrationTemplate = {
  id: 'smtp',
  name: 'smtp',
  displayName: 'SMTP (email)',
  category: 'Email',
  icon: 'mail',
  description: 'Sends email through any SMTP server: your mail provider, a transactional service (Postmark, SendGrid, Mailgun, SES) or your own relay.',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['host', 'port', 'from'],
    properties: {
      host: { type: 'string', minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:-]+$', description: 'The SMTP server’s host name, e.g. smtp.postmarkapp.com.' },
      port: { type: 'integer', minimum: 1, maximum: 65535, default: 587, description: '587 (STARTTLS) or 465 (TLS from the start); 25 for relays.' },
      secure: { type: 'boolean', default: false, description: 'TLS from the first byte (port 465). Leave off for 587 and 25, where the connection is upgraded with STARTTLS.' },
      user: { type: 'string', maxLength: 500, description: 'The user name; leave empty for a relay that needs none.' },
      password: { type: 'string', maxLength: 2000, format: 'password', description: 'The password or API token for SMTP.' },
      from: { type: 'string', minLength: 3, maxLength: 500, description: 'The sender, e.g. "Acme Support <support@acme.com>".' },
    },
  },
  setupInstructions: [
    'Find the SMTP settings in your mail provider’s dashboard (often under **Settings → SMTP** or **Sending → SMTP relay**):',
    '',
    '- **Host** and **port**: e.g. `smtp.gmail.com` and `587`; with port `465` turn **secure** on.',
    '- **User** and **password**: many services give an SMTP user name and an API token to use as the password (Gmail needs an app password).',
    '- **From**: an address your provider lets you send from (a verified sender or domain).',
    '',
    '**Test** connects and signs in without sending anything.',
  ].join('\n'),
  async test(config, { signal, allowPrivateNetwork }) {
    const settings = config as unknown as SmtpConfig;
    const transport = createTransport(await smtpOptions(settings, allowPrivateNetwork));
    // verify() takes no signal: closing the transport ends the attempt when the test runs out of time.
    const stop = () => transport.close();
    signal.addEventListener('abort', stop, { once: true });
    try {
      await transport.verify();
      return { ok: true, message: `Connected to ${settings.host}:${settings.port}${settings.user ? ` and signed in as ${settings.user}` : ''}.` };
    } catch (err) {
      return { ok: false, message: smtpFailure(err, settings.host).message };
    } finally {
      signal.removeEventListener('abort', stop);
      transport.close();
    }
  },
};
