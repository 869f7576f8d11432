import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One mail as the SMTP server received it: the envelope (where bcc shows) and the parsed message. */
export interface ReceivedMail {
  envelope: { from: string; to: string[] };
  user: string | undefined;
  mail: ParsedMail;
}

/** A real SMTP server in the test process that requires a user name and password, and keeps what it receives. */
export interface TestSmtpServer {
  host: string;
  port: number;
  user: string;
  password: string;
  received: ReceivedMail[];
  /** How many sign-ins were refused. */
  refusedLogins: number;
  /** How many connections clients opened. */
  connections: number;
  close(): Promise<void>;
}

export async function startSmtpServer(user = 'mailer', password = 'right-password'): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const state = { refusedLogins: 0, connections: 0 };
  const server = new SMTPServer({
    // Plain SMTP with AUTH on a loopback port: no certificate to trust in the test.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    // The node keeps pooled connections open between mails; closing the server ends them.
    closeTimeout: 100,
    onConnect(_session, callback) {
      state.connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) return callback(null, { user: auth.username });
      state.refusedLogins++;
      const err = Object.assign(new Error('Invalid username or password'), { responseCode: 535 });
      callback(err);
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          received.push({ envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) }, user: session.user as string | undefined, mail });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    received,
    get refusedLogins() {
      return state.refusedLogins;
    },
    get connections() {
      return state.connections;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
