import { expect } from 'chai';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { databaseKinds } from '../helpers/databases.js';
import { createFlow, runAndWait, runOneNode, stepOf, type Workspace, workspace } from '../helpers/flows.js';
import { connectIntegration, integrationOf } from '../helpers/integrations.js';
import { startServer, type TestServer } from '../helpers/server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { startTarget, type Target } from '../helpers/target.js';

/** A port nothing listens on: taken from the OS, then let go. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

const connectSmtp = (ws: Workspace, config: Record<string, unknown>) => connectIntegration(ws, 'smtp', 'Mail', config);

/** Runs a manual trigger → email.send flow; returns the send step and the execution. */
const send = (ws: Workspace, config: Record<string, unknown>, extra: Record<string, unknown> = {}, input: unknown = {}) =>
  runOneNode(ws, { id: 'mail', type: 'email.send', config, ...extra }, input);

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256))]);

for (const kind of databaseKinds) {
  describe(`email.send through a real SMTP server (${kind.name})`, function () {
    let server: TestServer;
    let ws: Workspace;
    let smtp: TestSmtpServer;
    let files: Target;
    let integrationId: string;

    before(async () => {
      smtp = await startSmtpServer();
      files = await startTarget();
      files.route('/files/report.pdf', (_req, res) => res.writeHead(200, { 'content-type': 'application/pdf' }).end(PDF));
      files.route('/files/missing.pdf', (_req, res) => res.writeHead(404).end('gone'));
      server = await startServer(kind, { ALLOW_PRIVATE_NETWORK: 'true' });
      ws = await workspace(server);
      integrationId = await connectSmtp(ws, { host: smtp.host, port: smtp.port, user: smtp.user, password: smtp.password, from: 'Acme Support <support@acme.test>' });
    });
    after(async () => {
      await server?.close();
      await smtp?.close();
      await files?.close();
    });

    it('connects through the API: the test signs in, and the integration becomes active', async () => {
      const test = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations/${integrationId}/test`, { token: ws.token });
      expect(test.status).to.equal(200);
      expect(test.body.ok, test.body.message).to.equal(true);
      expect(test.body.message).to.include('signed in as mailer');
      const read = await integrationOf(ws, integrationId);
      expect(read.status).to.equal('active');
      expect(read.config.password).to.equal('********');
    });

    it('sends to, cc and bcc with reply-to, expressions in subject and bodies, an attachment from a URL and a base64 one', async () => {
      const before = smtp.received.length;
      const { step, execution } = await send(
        ws,
        {
          integrationId,
          to: ['Ann <ann@example.test>', 'bob@example.test'],
          cc: 'carol@example.test',
          bcc: ['dave@example.test'],
          replyTo: 'sales@acme.test',
          subject: 'Order {{ $trigger.order }} confirmed',
          text: 'Hello {{ $trigger.name }}, your order is confirmed.',
          html: '<p>Hello <b>{{ $trigger.name }}</b>, your order is confirmed.</p>',
          attachments: [
            { filename: 'report.pdf', url: `${files.url}/files/report.pdf` },
            { filename: 'hello.txt', content: Buffer.from('hello from base64').toString('base64'), contentType: 'text/plain' },
          ],
        },
        {},
        { order: 'A-1001', name: 'Ann' },
      );
      expect(step.status, JSON.stringify(step.error)).to.equal('succeeded');
      expect(execution.status).to.equal('succeeded');
      expect(step.output.messageId).to.match(/^<.+@.+>$/);
      expect(step.output.accepted).to.have.members(['ann@example.test', 'bob@example.test', 'carol@example.test', 'dave@example.test']);
      expect(step.output.rejected).to.deep.equal([]);

      expect(smtp.received).to.have.length(before + 1);
      const { envelope, user, mail } = smtp.received.at(-1)!;
      expect(user).to.equal('mailer');
      expect(envelope.from).to.equal('support@acme.test');
      expect(envelope.to).to.have.members(['ann@example.test', 'bob@example.test', 'carol@example.test', 'dave@example.test']);
      expect(mail.messageId).to.equal(step.output.messageId);
      expect(mail.from?.text).to.equal('"Acme Support" <support@acme.test>');
      const to = Array.isArray(mail.to) ? mail.to : [mail.to!];
      expect(to.flatMap((t) => t.value.map((v) => v.address))).to.deep.equal(['ann@example.test', 'bob@example.test']);
      expect(to[0]!.value[0]!.name).to.equal('Ann');
      expect((Array.isArray(mail.cc) ? mail.cc[0] : mail.cc)?.text).to.equal('carol@example.test');
      expect(mail.bcc, 'bcc is in the envelope only, never in the headers').to.equal(undefined);
      expect(mail.headers.get('bcc')).to.equal(undefined);
      expect((Array.isArray(mail.replyTo) ? mail.replyTo[0] : mail.replyTo)?.text).to.equal('sales@acme.test');
      expect(mail.subject).to.equal('Order A-1001 confirmed');
      expect(mail.text?.trim()).to.equal('Hello Ann, your order is confirmed.');
      expect(mail.html).to.include('<p>Hello <b>Ann</b>, your order is confirmed.</p>');
      expect(mail.attachments.map((a) => a.filename)).to.deep.equal(['report.pdf', 'hello.txt']);
      expect(mail.attachments[0]!.contentType).to.equal('application/pdf');
      expect(Buffer.compare(mail.attachments[0]!.content, PDF)).to.equal(0);
      expect(mail.attachments[1]!.content.toString()).to.equal('hello from base64');
      expect(step.logs.join('\n')).to.include(`attachment report.pdf: ${PDF.length} bytes`);
    });

    it('keeps one pooled connection per integration between mails; a changed config takes effect on the next mail', async () => {
      const id = await connectSmtp(ws, { host: smtp.host, port: smtp.port, user: smtp.user, password: smtp.password, from: 'pool@acme.test' });
      const opened = smtp.connections;
      const mail = { integrationId: id, to: 'ann@example.test', subject: 'Pooled', text: 'x' };
      expect((await send(ws, mail)).step.status).to.equal('succeeded');
      expect((await send(ws, mail)).step.status).to.equal('succeeded');
      expect(smtp.connections - opened, 'the second mail reused the first one’s connection').to.equal(1);
      const patched = await server.request('PATCH', `/api/subaccounts/${ws.sid}/integrations/${id}`, { token: ws.token, body: { config: { host: smtp.host, port: smtp.port, user: smtp.user, password: '********', from: 'changed@acme.test' } } });
      expect(patched.status).to.equal(200);
      const after = await send(ws, mail);
      expect(after.step.status).to.equal('succeeded');
      expect(smtp.received.at(-1)!.envelope.from).to.equal('changed@acme.test');
    });

    it('fails the step and marks the integration in error when the server refuses the password', async () => {
      const wrong = await connectSmtp(ws, { host: smtp.host, port: smtp.port, user: smtp.user, password: 'wrong-password', from: 'support@acme.test' });
      const refusedBefore = smtp.refusedLogins;
      const { step, execution } = await send(ws, { integrationId: wrong, to: 'ann@example.test', subject: 'Hi', text: 'Hi' }, { retry: { maxAttempts: 3, backoff: { initialMs: 10, factor: 1, maxMs: 10 } } });
      expect(execution.status).to.equal('failed');
      expect(step.status).to.equal('failed');
      expect(step.attempt, 'a refused password is not retried').to.equal(1);
      expect(step.error).to.include({ code: 'integration_auth_failed', retryable: false });
      expect(step.error!.message).to.include('refused the user name or password').and.include('535');
      expect(step.error!.message).to.not.include('wrong-password');
      expect(smtp.refusedLogins).to.be.greaterThan(refusedBefore);
      const read = await integrationOf(ws, wrong);
      expect(read.status).to.equal('error');
      expect(read.lastError).to.include('refused the user name or password');

      const test = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations/${wrong}/test`, { token: ws.token });
      expect(test.body.ok).to.equal(false);
      expect(test.body.message).to.include('refused the user name or password');
    });

    it('retries when the server cannot be reached, then fails saying so', async () => {
      const port = await closedPort();
      const down = await connectSmtp(ws, { host: '127.0.0.1', port, user: 'mailer', password: 'right-password', from: 'support@acme.test' });
      const { step } = await send(ws, { integrationId: down, to: 'ann@example.test', subject: 'Hi', text: 'Hi' }, { retry: { maxAttempts: 2, backoff: { initialMs: 10, factor: 1, maxMs: 10 } } });
      expect(step.status).to.equal('failed');
      expect(step.attempt).to.equal(2);
      expect(step.error).to.include({ code: 'smtp_unavailable', retryable: true });
      expect(step.error!.message).to.include('127.0.0.1');
      expect(step.logs.join('\n')).to.include('attempt 1 failed').and.include('retrying');
      expect((await integrationOf(ws, down)).status, 'an unreachable server says nothing about the credentials').to.not.equal('error');
      const test = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations/${down}/test`, { token: ws.token });
      expect(test.body.ok).to.equal(false);
    });

    it('refuses bad input with a clear error, sending nothing', async () => {
      const before = smtp.received.length;
      const noBody = await send(ws, { integrationId, to: 'ann@example.test', subject: 'Hi' });
      expect(noBody.step.error!.message).to.include('has no body');
      const badBase64 = await send(ws, { integrationId, to: 'ann@example.test', subject: 'Hi', text: 'x', attachments: [{ filename: 'a.bin', content: 'not base64 at all!' }] });
      expect(badBase64.step.error).to.include({ code: 'invalid_attachment' });
      expect(badBase64.step.error!.message).to.include('"a.bin" is not valid base64');
      const missing = await send(ws, { integrationId, to: 'ann@example.test', subject: 'Hi', text: 'x', attachments: [{ filename: 'gone.pdf', url: `${files.url}/files/missing.pdf` }] });
      expect(missing.step.error!.message).to.include('"gone.pdf" could not be fetched').and.include('404');
      expect(smtp.received.length).to.equal(before);

      const both = await server.request('POST', `/api/subaccounts/${ws.sid}/flows`, {
        token: ws.token,
        body: {
          name: 'bad',
          graph: {
            nodes: [
              { id: 't', type: 'trigger.manual' },
              { id: 'mail', type: 'email.send', config: { integrationId, to: 'a@b.c', subject: 'x', text: 'x', attachments: [{ filename: 'a', url: 'https://x.test/a', content: 'AA==' }, { filename: 'b\r\nBcc: evil@x.test' }] } },
            ],
            edges: [{ source: 't', target: 'mail' }],
          },
        },
      });
      expect(both.status).to.equal(400);
      const paths = both.body.error.details.map((d: { path: string }) => d.path);
      expect(paths.some((p: string) => p.startsWith('/graph/nodes/1/config/attachments/0'))).to.equal(true);
      expect(paths.some((p: string) => p.startsWith('/graph/nodes/1/config/attachments/1'))).to.equal(true);
    });

    it('routes a failure to the error port when it is wired', async () => {
      const flow = await createFlow(ws, {
        nodes: [
          { id: 't', type: 'trigger.manual' },
          { id: 'mail', type: 'email.send', config: { integrationId, to: 'ann@example.test', subject: 'Hi', text: 'x', attachments: [{ filename: 'gone.pdf', url: `${files.url}/files/missing.pdf` }] } },
          { id: 'handled', type: 'logic.set', config: { value: { failed: true } } },
        ],
        edges: [
          { source: 't', target: 'mail' },
          { source: 'mail', target: 'handled', sourcePort: 'error' },
        ],
      });
      const execution = await runAndWait(ws, flow.id);
      expect(execution.status).to.equal('succeeded');
      expect(stepOf(execution, 'handled').status).to.equal('succeeded');
    });
  });
}

describe('email.send without ALLOW_PRIVATE_NETWORK', function () {
  let server: TestServer;
  let smtp: TestSmtpServer;
  before(async () => {
    smtp = await startSmtpServer();
    server = await startServer(databaseKinds[0]!);
  });
  after(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('refuses to connect to a loopback SMTP server, in the test and in a step', async () => {
    const ws = await workspace(server);
    const id = await connectSmtp(ws, { host: 'localhost', port: smtp.port, user: smtp.user, password: smtp.password, from: 'support@acme.test' });
    const test = await server.request('POST', `/api/subaccounts/${ws.sid}/integrations/${id}/test`, { token: ws.token });
    expect(test.body.ok).to.equal(false);
    expect(test.body.message).to.include('Refused to call localhost').and.include('loopback');
    const { step } = await send(ws, { integrationId: id, to: 'ann@example.test', subject: 'Hi', text: 'Hi' });
    expect(step.error).to.include({ code: 'private_network', retryable: false });
    expect(smtp.received).to.have.length(0);
  });
});
