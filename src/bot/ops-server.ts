/**
 * In long-polling mode, a small HTTP server for operators: `GET /metrics` and `GET /healthz` on HOST:PORT, only
 * when PORT is set (webhook mode serves both on the webhook server). Nothing else is answered.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.ts';
import { ListenError, okBody, serveMetrics, type MetricsEndpoint } from './webhook.ts';

export interface OpsServer {
  readonly port: number;
  stop(): Promise<void>;
}

/** Listen on `port`/`host`; rejects with ListenError when the address cannot be used. */
export async function startOpsServer(options: { port: number; host: string; metrics: MetricsEndpoint; health: () => Promise<string | null>; degraded?: () => string | null; logger: Logger }): Promise<OpsServer> {
  const server: Server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 }, (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    (async () => {
      if (await serveMetrics(req, res, path, options.metrics)) return;
      if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
        const reason = await options.health().catch(() => 'error');
        res.writeHead(reason ? 503 : 200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(reason ?? okBody(options.degraded?.() ?? null));
        return;
      }
      res.writeHead(404, { connection: 'close' }).end();
    })().catch((err: unknown) => {
      options.logger.error({ err }, 'ops request failed');
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new ListenError(options.port, options.host, err)));
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
