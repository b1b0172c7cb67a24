/**
 * /healthz and /metrics on service.listen (127.0.0.1:9464 by default): loopback unless a person
 * chooses otherwise, since metrics name environments and releases.
 */
import { createServer, type Server } from 'node:http';
import type { ServiceMetrics } from './service-metrics.js';

export interface Health {
  ok: boolean;
  /** What is wrong, in words, when not ok: "Redis unreachable". */
  problems: string[];
  environments: string[];
}

export async function serveEndpoints(listen: string, metrics: ServiceMetrics, health: () => Health): Promise<Server> {
  const at = listen.lastIndexOf(':');
  const host = listen.slice(0, at).replace(/^\[|\]$/g, '');
  const port = Number(listen.slice(at + 1));
  const server = createServer((req, res) => {
    void (async () => {
      if (req.url === '/healthz') {
        const h = health();
        res.writeHead(h.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(h));
      } else if (req.url === '/metrics') {
        const body = await metrics.registry.metrics();
        res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body);
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /healthz or /metrics\n');
      }
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** The address actually bound (port 0 in tests picks a free one). */
export function boundAddress(server: Server): string {
  const a = server.address();
  return a && typeof a === 'object' ? `${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}` : String(a);
}
