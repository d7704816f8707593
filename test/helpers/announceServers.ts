/**
 * Local receivers for announcement tests, on 127.0.0.1: a Slack incoming-webhook receiver (node:http)
 * and an SMTP server (smtp-server). Both record what they accepted and can be told how to answer next:
 * a Slack error status, a hang, or cutting the connection after accepting the message.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** How the Slack receiver answers one request. */
export type SlackFault = { status: number; body: string } | 'hang' | 'cut-after-accept';

/** A Slack incoming-webhook receiver: POST JSON, answer `ok`. */
export class SlackReceiver {
  /** Messages accepted (posted to the channel), with the path they came to. */
  readonly messages: { path: string; payload: { text: string; blocks: { type: string; text?: { type: string; text: string } }[] } }[] = [];
  /** Answers for the next requests, in order; then `ok`. */
  readonly faults: SlackFault[] = [];
  requests = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this.url('/services/T000/B000/secret-token-xyz');
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}${path}`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      this.requests++;
      const fault = this.faults.shift();
      if (req.method !== 'POST' || req.headers['content-type']?.startsWith('application/json') !== true) {
        res.writeHead(400).end('invalid_payload');
        return;
      }
      if (fault !== undefined && typeof fault === 'object') {
        res.writeHead(fault.status, { 'content-type': 'text/plain' }).end(fault.body);
        return;
      }
      // Slack posts the message, then answers: a hang or a cut connection loses only the answer.
      this.messages.push({ path: req.url ?? '', payload: JSON.parse(body) });
      if (fault === 'hang') return;
      if (fault === 'cut-after-accept') {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** How the SMTP server answers one message. */
export type SmtpFault = 'reject' | 'cut-after-accept';

/** An SMTP server on 127.0.0.1 (no TLS, no auth) that records each message it accepted. */
export class SmtpReceiver {
  readonly messages: { from: string; to: string[]; raw: string }[] = [];
  readonly faults: SmtpFault[] = [];
  private server: SMTPServer | null = null;
  port = 0;
  /** Users who logged in. */
  readonly logins: string[] = [];

  /** With `auth`, the server requires a login with these credentials (plain, on loopback only). */
  constructor(private readonly auth?: { user: string; pass: string }) {}

  async start(): Promise<number> {
    const auth = this.auth;
    this.server = new SMTPServer({
      disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !auth,
      allowInsecureAuth: true,
      logger: false,
      onAuth: (a, _session, callback) => {
        if (auth && a.username === auth.user && a.password === auth.pass) {
          this.logins.push(a.username ?? '');
          callback(null, { user: a.username });
        } else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const fault = this.faults.shift();
          if (fault === 'reject') {
            const err = Object.assign(new Error('mailbox unavailable'), { responseCode: 550 });
            callback(err);
            return;
          }
          this.messages.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          if (fault === 'cut-after-accept') {
            // Accepted and stored, then the connection drops before the 250 reaches the client.
            for (const c of (this.server as unknown as { connections: Set<{ _socket: Socket }> }).connections) c._socket.destroy();
            return;
          }
          callback();
        });
      },
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.port = ((this.server as unknown as { server: Server }).server.address() as AddressInfo).port;
    return this.port;
  }

  async stop(): Promise<void> {
    for (const c of (this.server as unknown as { connections: Set<{ _socket: Socket }> }).connections ?? []) c._socket.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
