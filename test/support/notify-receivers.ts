/**
 * Real receivers for notification tests, on 127.0.0.1 with ports the kernel picks: a node:http
 * server standing in for a webhook (and a Slack incoming webhook), and an SMTP server
 * (`smtp-server`) that nodemailer talks to over TCP. Each can be stopped and started again on the
 * same port, to test a sink that was down and came back.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { tempNotifyRoot, type NotifyRoot } from './notify-fixtures.js';

export interface ReceivedRequest { method: string; path: string; headers: IncomingHttpHeaders; body: string; at: number }

export interface HttpReceiver {
  port: number;
  url: (path?: string) => string;
  requests: ReceivedRequest[];
  /** What the next requests are answered with; `hang` never answers; `statusFor` picks a status per request body. */
  answer: { status: number; body: string; hang: boolean; statusFor: ((body: string) => number) | null };
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

interface Listener {
  listen(port: number, host: string, callback: () => void): unknown;
  once(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
}

function listen(server: Listener, port: number, address: () => AddressInfo): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(address().port);
    });
  });
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const answer: HttpReceiver['answer'] = { status: 200, body: 'ok', hang: false, statusFor: null };
  const make = () => createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, at: Date.now() });
      if (answer.hang) return;
      res.writeHead(answer.statusFor?.(body) ?? answer.status, { 'content-type': 'text/plain' }).end(answer.body);
    });
  });
  let server = make();
  const port = await listen(server, 0, () => server.address() as AddressInfo);
  const receiver: HttpReceiver = {
    port,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    requests,
    answer,
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
    start: async () => { server = make(); await listen(server, port, () => server.address() as AddressInfo); },
  };
  return receiver;
}

export interface ReceivedMail { from: string; to: string[]; raw: string; user?: string; password?: string }

/** The headers unfolded and the quoted-printable body decoded: what a mail client shows. */
export function readableMail(raw: string): { headers: string; body: string } {
  const [head = '', ...rest] = raw.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n').replace(/=\r\n/g, '');
  const bytes = Buffer.from(body.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
  return { headers: head.replace(/\r\n[ \t]+/g, ' '), body: bytes.toString('utf8').replace(/\r\n/g, '\n') };
}

export interface SmtpReceiver {
  port: number;
  messages: ReceivedMail[];
  /** Refuse every message with this SMTP reply code (e.g. 554) instead of accepting it. */
  refuseWith: number | null;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Plain SMTP without STARTTLS, optional AUTH PLAIN/LOGIN whose credentials are recorded. */
export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const state = { refuseWith: null as number | null };
  const make = () => new SMTPServer({
    // A stopped receiver is a dead server: it drops the sessions a pooled client keeps open (421)
    // instead of letting them deliver for smtp-server's default 30 s of draining.
    closeTimeout: 50,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, session, callback) {
      (session as unknown as { creds: unknown }).creds = { user: auth.username, password: auth.password };
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (c: Buffer) => { raw += c.toString(); });
      stream.on('end', () => {
        if (state.refuseWith !== null) {
          callback(Object.assign(new Error('message refused by policy'), { responseCode: state.refuseWith }));
          return;
        }
        const creds = (session as unknown as { creds?: { user: string; password: string } }).creds;
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...(creds ? { user: creds.user, password: creds.password } : {}),
        });
        callback();
      });
    },
  });
  let server = make();
  const addressOf = () => (server as unknown as { server: Server }).server.address() as AddressInfo;
  const port = await listen(server as unknown as Listener, 0, addressOf);
  return {
    port,
    messages,
    get refuseWith() { return state.refuseWith; },
    set refuseWith(code: number | null) { state.refuseWith = code; },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
    start: async () => { server = make(); await listen(server as unknown as Listener, port, addressOf); },
  };
}

/** A temp root and the three receivers, fresh for each test. */
export interface Testbed { root: NotifyRoot; http: HttpReceiver; slack: HttpReceiver; smtp: SmtpReceiver; close(): Promise<void> }

export async function openTestbed(): Promise<Testbed> {
  const root = tempNotifyRoot();
  const [http, slack, smtp] = await Promise.all([startHttpReceiver(), startHttpReceiver(), startSmtpReceiver()]);
  return {
    root, http, slack, smtp,
    close: async () => {
      await Promise.all([http.stop(), slack.stop(), smtp.stop()]);
      root.cleanup();
    },
  };
}
