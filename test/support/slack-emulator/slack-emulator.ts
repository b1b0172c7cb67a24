/**
 * A local Slack for tests: a real HTTP server the real @slack/bolt and @slack/web-api talk to
 * (through `slackApiUrl`), the Web API methods the bot calls, `response_url`s, and a Socket Mode
 * WebSocket (`apps.connections.open` returns its ws:// URL). Slack's limits are enforced
 * (slack-rules.ts, rate-limits.ts) and every call is recorded for assertions.
 * Tests drive it as Slack does: slash commands and button clicks go out as Socket Mode envelopes,
 * and the test waits for the app's ack.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { documentedNumbers } from './documented-limits.js';
import { DEFAULT_LIMITS, RateLimiter, type MethodLimit } from './rate-limits.js';
import { checkMessage } from './slack-rules.js';
import { SocketModeHub } from './socket-mode-hub.js';
import { parse, WebApiState } from './web-api.js';

export { APP_TOKEN, BOT_TOKEN } from './web-api.js';
export type { StoredMessage } from './web-api.js';

type Obj = Record<string, unknown>;

const { RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_MS } = documentedNumbers(['RESPONSE_URL_MAX_USES', 'RESPONSE_URL_TTL_MS'] as const);

export interface RecordedCall {
  method: string;
  args: Obj;
  status: number;
  response: Obj;
  at: number;
}

export interface ResponseUrlPost { id: string; status: number; body: Obj; at: number; error?: string }

export interface EmulatorOptions {
  limits?: Record<string, MethodLimit>;
  /** Answer every n-th Web API call with 429 (fault tests). */
  failEvery?: number;
}

export class SlackEmulator {
  readonly calls: RecordedCall[] = [];
  readonly responsePosts: ResponseUrlPost[] = [];
  readonly state: WebApiState;
  readonly socket: SocketModeHub;
  private readonly responseUrls = new Map<string, { createdAt: number; uses: number }>();
  private readonly limiter: RateLimiter;
  private readonly injected = new Map<string, Array<{ error: string; status: number }>>();
  private port = 0;

  private constructor(private readonly server: Server, opts: EmulatorOptions) {
    this.limiter = new RateLimiter(opts.limits ?? { ...DEFAULT_LIMITS }, opts.failEvery ?? 0);
    this.state = new WebApiState(() => `ws://127.0.0.1:${this.port}/socket-mode?ticket=${randomBytes(6).toString('hex')}`);
    this.socket = new SocketModeHub((id) => this.newResponseUrl(id), this.state);
  }

  static async start(opts: EmulatorOptions = {}): Promise<SlackEmulator> {
    const server = createServer();
    const emulator = new SlackEmulator(server, opts);
    server.on('request', (req, res) => void emulator.route(req, res));
    server.on('upgrade', (req, socket) => emulator.socket.upgrade(req, socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    emulator.port = (server.address() as AddressInfo).port;
    return emulator;
  }

  /** What the bot's `clientOptions.slackApiUrl` must be. */
  get apiUrl(): string { return `http://127.0.0.1:${this.port}/api/`; }

  callsOf(method: string): RecordedCall[] { return this.calls.filter((c) => c.method === method); }

  /**
   * The next `times` calls of `method` fail as a degraded Slack answers: `ratelimited` as HTTP 429
   * with Retry-After 1, anything else (`fatal_error`, `internal_error`) as HTTP 200 `ok: false`.
   */
  failNext(method: string, times: number, error = 'fatal_error'): void {
    const queue = this.injected.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push({ error, status: error === 'ratelimited' ? 429 : 200 });
    this.injected.set(method, queue);
  }

  async stop(): Promise<void> {
    this.socket.closeAll();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A fresh response_url, as Slack puts in every command and click (HTTP-mode tests send it themselves). */
  newResponseUrl(id: string): string {
    this.responseUrls.set(id, { createdAt: Date.now(), uses: 0 });
    return `http://127.0.0.1:${this.port}/response/${id}`;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname.startsWith('/api/')) return this.webApi(url.pathname.slice(5), req, raw, res);
    if (req.method === 'POST' && url.pathname.startsWith('/response/')) return this.responseUrl(url.pathname.slice(10), raw, res);
    send(res, 404, { ok: false, error: 'not_found' });
  }

  private webApi(method: string, req: IncomingMessage, raw: string, res: ServerResponse): void {
    const args = parseArgs(req.headers['content-type'] ?? '', raw);
    const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') || String(args.token ?? '');
    const channel = typeof args.channel === 'string' ? WebApiState.channelId(args.channel) : undefined;
    const wait = this.limiter.retryAfter(method, channel);
    if (wait > 0) {
      const response = { ok: false, error: 'ratelimited' };
      this.calls.push({ method, args, status: 429, response, at: Date.now() });
      res.setHeader('Retry-After', String(wait));
      return send(res, 429, response);
    }
    const injected = this.injected.get(method)?.shift();
    if (injected) {
      const response = { ok: false, error: injected.error };
      this.calls.push({ method, args, status: injected.status, response, at: Date.now() });
      if (injected.status === 429) res.setHeader('Retry-After', '1');
      return send(res, injected.status, response);
    }
    const response = this.state.handle(method, token, args);
    this.calls.push({ method, args, status: 200, response, at: Date.now() });
    send(res, 200, response);
  }

  /** At most RESPONSE_URL_MAX_USES posts within RESPONSE_URL_TTL_MS; anything else is refused as Slack does. */
  private responseUrl(id: string, raw: string, res: ServerResponse): void {
    const body = (parse(raw) ?? {}) as Obj;
    const entry = this.responseUrls.get(id);
    const record = (status: number, error?: string) => {
      this.responsePosts.push({ id, status, body, at: Date.now(), ...(error ? { error } : {}) });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(error ?? 'ok');
    };
    if (!entry || Date.now() - entry.createdAt > RESPONSE_URL_TTL_MS) return record(404, 'expired_url');
    if (entry.uses >= RESPONSE_URL_MAX_USES) return record(404, 'used_url');
    const refused = checkMessage(body);
    if (refused) return record(400, refused.error);
    entry.uses += 1;
    record(200);
  }
}

function send(res: ServerResponse, status: number, body: Obj): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseArgs(contentType: string, raw: string): Obj {
  if (contentType.includes('application/json')) return (parse(raw) ?? {}) as Obj;
  const args: Obj = {};
  for (const [k, v] of new URLSearchParams(raw)) args[k] = ['blocks', 'attachments', 'view', 'metadata'].includes(k) ? parse(v) : v;
  return args;
}
