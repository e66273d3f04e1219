// A stand-in for somebody else's mail server: a plain smtp-server on port 0 that records
// what it receives and answers RCPT as the spec tells it to.
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface ReceivedMail { from: string; to: string[]; raw: Buffer }

export interface FakeRemoteMx {
  port: number;
  received: ReceivedMail[];
  /** Decides each RCPT: undefined accepts, a reply string like '550 5.1.1 no such user' refuses. */
  rcpt: (address: string) => string | undefined;
  close(): Promise<void>;
}

export async function startFakeRemoteMx(opts: { auth?: { user: string; pass: string }; tls?: { key: string; cert: string } } = {}): Promise<FakeRemoteMx> {
  const fake: FakeRemoteMx = { port: 0, received: [], rcpt: () => undefined, close: async () => {} };
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: !opts.auth,
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : { disabledCommands: ['STARTTLS'] }),
    ...(opts.auth ? {} : { disabledCommands: ['AUTH', ...(opts.tls ? [] : ['STARTTLS'])] }),
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) return cb(null, { user: auth.username });
      cb(Object.assign(new Error('5.7.8 bad credentials'), { responseCode: 535 }));
    },
    onRcptTo(address: SMTPServerAddress, _session, cb) {
      const verdict = fake.rcpt(address.address);
      if (!verdict) return cb();
      cb(Object.assign(new Error(verdict.slice(4)), { responseCode: Number(verdict.slice(0, 3)) }));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        fake.received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        cb(null, 'queued as fake');
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.server.address();
  fake.port = typeof addr === 'object' && addr ? addr.port : 0;
  fake.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return fake;
}
