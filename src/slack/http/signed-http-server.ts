/**
 * HTTP mode: Slack posts commands, button clicks and events to `POST /slack/events` on
 * `slack.listen`. Every request passes the signature, the five-minute window and the replay
 * check (replay-guard.ts: in process and in Redis) before Bolt's HTTPReceiver sees it; anything else gets 401 and runs
 * nothing. The body is read once and handed to Bolt as `rawBody`, which Bolt reuses (and
 * verifies again: two locks on the same door cost microseconds).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HTTPReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { ReplayGuard } from './replay-guard.js';
import { verifySignature } from './slack-signature.js';

/** Slack's payloads are small; a bigger body is not Slack. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface SignedHttpServer { address: string; close(): Promise<void> }

export interface SignedHttpOptions {
  listen: string;
  signingSecret: string;
  receiver: HTTPReceiver;
  /** Remembers verified requests (in Redis, so a replay after a restart is refused too). */
  replays: ReplayGuard;
  log: Logger;
  nowSeconds?: () => number;
}

export async function startSignedHttpServer(opts: SignedHttpOptions): Promise<SignedHttpServer> {
  const { replays } = opts;
  const now = opts.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const server = createServer((req, res) => void gate(req, res).catch((err: unknown) => {
    opts.log.error({ err }, 'Slack HTTP request failed');
    if (!res.headersSent) res.writeHead(500).end();
  }));

  async function gate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === null) { res.writeHead(413).end(); return; }
    const signature = header(req, 'x-slack-signature');
    const timestamp = header(req, 'x-slack-request-timestamp');
    const verdict = verifySignature(opts.signingSecret, { signature, timestamp }, body.toString('utf8'), now());
    if (!verdict.ok || !(await replays.firstSeen(signature!, timestamp!, now()))) {
      const why = verdict.ok ? 'replayed request (same signature and timestamp seen before)' : verdict.why;
      opts.log.warn({ path: req.url, from: req.socket.remoteAddress, why }, 'refused a Slack HTTP request: 401');
      res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
      return;
    }
    Object.assign(req, { rawBody: body });
    opts.receiver.requestListener(req, res);
  }

  const { host, port } = splitListen(opts.listen);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  return { address: addressOf(server), close: () => closeServer(server) };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function splitListen(listen: string): { host: string; port: number } {
  const i = listen.lastIndexOf(':');
  return { host: listen.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(listen.slice(i + 1)) };
}

function addressOf(server: Server): string {
  const a = server.address() as AddressInfo;
  return `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
