/**
 * The webhook HTTP server: Telegram's POSTs on one path and `GET /healthz`, hardened against hostile and slow
 * clients (secret checked before the body is read, 1 MB limit, any body shape refused without crashing,
 * timeouts, a stop that cannot be held up).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Update } from 'telegraf/types';
import type { Logger } from '../logger.ts';

/** A healthy /healthz body: `ok`, or `degraded: <what is missing>` while the bot still answers (so a load balancer keeps it). */
export function okBody(degraded: string | null): string {
  return degraded ? `degraded: ${degraded}` : 'ok';
}

/** Telegram's update bodies are a few kB; anything near this is not Telegram. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Server timeouts: headers, the whole request (head and body), and an idle kept-alive connection. */
export interface WebhookTimeouts {
  headersMs: number;
  requestMs: number;
  keepAliveMs: number;
}

export const DEFAULT_TIMEOUTS: WebhookTimeouts = Object.freeze({ headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000 });

export interface WebhookServerOptions {
  path: string;
  secret: string;
  port: number;
  host: string;
  logger: Logger;
  /** Handles one update; the response is ended when it resolves. */
  handleUpdate: (update: Update, res: ServerResponse) => Promise<void>;
  /** Extra health checks for /healthz: a one-word reason when unhealthy, null when fine. */
  health?: () => string | null | Promise<string | null>;
  /** What the bot does without, while still answering (e.g. `database unreachable`): /healthz then says 200 `degraded: …`. */
  degraded?: () => string | null;
  /** `GET /metrics` (Prometheus text format) when set. */
  metrics?: MetricsEndpoint;
  /** An update in progress longer than this makes /healthz say `stalled` (default 60 s, twice the handler timeout). */
  stalledAfterMs?: number;
  /** How long a stop waits for updates in progress before closing their connections (default 8 s). */
  graceMs?: number;
  timeouts?: WebhookTimeouts;
  maxBodyBytes?: number;
}

export interface WebhookServer {
  readonly port: number;
  readonly http: Server;
  /** Mark the webhook registered: /healthz says `starting` until then. */
  ready(): void;
  /** Stop taking requests, give updates in progress `graceMs`, then close every connection. */
  stop(): Promise<void>;
  /** Resolves with the error if the server fails after it started. */
  failed: Promise<unknown>;
}

/** What `GET /metrics` answers: prom-client's registry fits (`contentType`, `metrics()`). */
export interface MetricsEndpoint {
  contentType: string;
  metrics(): Promise<string>;
}

/** Answer `GET /metrics`; true when the request was that. */
export async function serveMetrics(req: IncomingMessage, res: ServerResponse, path: string | undefined, metrics: MetricsEndpoint | undefined): Promise<boolean> {
  if (!metrics || path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const body = await metrics.metrics();
  res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : body);
  return true;
}

/** Thrown when the server cannot listen; carries the port and host the operator configured. */
export class ListenError extends Error {
  constructor(readonly port: number, readonly host: string, override readonly cause: NodeJS.ErrnoException) {
    super(`cannot listen on ${host}:${port}: ${cause.code ?? cause.message}`);
    this.name = 'ListenError';
  }
}

// Only what the bot's routing relies on; the rest of an update is Telegram's business and read defensively.
const UpdateShape = z.looseObject({ update_id: z.number().int().nonnegative() });

/** Compare secrets in constant time, whatever their lengths. */
function sameSecret(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== 'string') return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** Answer and close the connection: used whenever the body is not (fully) read, so it is never drained. */
function refuse(res: ServerResponse, status: number, text = ''): void {
  if (res.headersSent) { res.destroy(); return; }
  res.writeHead(status, { 'content-type': 'text/plain', connection: 'close' }).end(text, () => res.destroy());
}

/** Read the body up to `limit` bytes; null (after answering 413) when it is longer. */
function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        refuse(res, 413, 'too large');
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // A connection aborted or closed mid-body (by the client, a timeout or stop()) carries no update.
    req.on('error', () => resolve(null));
    req.on('close', () => resolve(null));
  });
}

/** Listen on `port`/`host` and serve the webhook; rejects with ListenError when the address cannot be used. */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const { logger } = options;
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
  const stalledAfterMs = options.stalledAfterMs ?? 60_000;
  const graceMs = options.graceMs ?? 8_000;
  let registered = false;
  let stopping = false;
  /** Updates being handled: update id → start time. */
  const inFlight = new Map<Promise<void>, number>();

  const healthReason = async (): Promise<string | null> => {
    if (stopping) return 'stopping';
    if (!registered) return 'starting';
    const now = Date.now();
    for (const started of inFlight.values()) if (now - started > stalledAfterMs) return 'stalled';
    try {
      return (await options.health?.()) ?? null;
    } catch {
      return 'error';
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      const reason = await healthReason();
      res.writeHead(reason ? 503 : 200, { 'content-type': 'text/plain', 'cache-control': 'no-store' }).end(reason ?? okBody(options.degraded?.() ?? null));
      return;
    }
    if (await serveMetrics(req, res, path, options.metrics)) return;
    if (path !== options.path) return refuse(res, 404);
    if (req.method !== 'POST') return refuse(res, 405);
    // Everything that can be decided from the head is decided before a byte of the body is read.
    if (!sameSecret(options.secret, req.headers['x-telegram-bot-api-secret-token'])) return refuse(res, 403);
    // Telegram retries later; the next process gets the update.
    if (stopping) return refuse(res, 503);
    const announced = Number(req.headers['content-length'] ?? 0);
    if (announced > limit) return refuse(res, 413, 'too large');
    const body = await readBody(req, res, limit);
    if (body === null) return;
    if (stopping) return refuse(res, 503);
    let update: Update;
    try {
      const parsed = UpdateShape.safeParse(JSON.parse(body.toString('utf8')));
      if (!parsed.success) return refuse(res, 400, 'not an update');
      update = parsed.data as unknown as Update;
    } catch {
      return refuse(res, 400, 'not JSON');
    }
    const handling = options.handleUpdate(update, res);
    inFlight.set(handling, Date.now());
    try {
      await handling;
      if (!res.writableEnded) res.end();
    } catch (err) {
      logger.error({ update_id: update.update_id, err }, 'webhook update failed');
      if (!res.headersSent) res.writeHead(500).end();
    } finally {
      inFlight.delete(handling);
    }
  };

  const server = createServer({
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    // The timeouts above are only checked this often (Node's default is 30 s).
    connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
  }, (req, res) => {
    handle(req, res).catch((err: unknown) => {
      // Nothing a client sends may crash the process.
      logger.error({ err }, 'webhook request failed');
      if (!res.headersSent) refuse(res, 500);
      else res.destroy();
    });
  });
  // Telegram opens at most 100 connections (`max_connections`); more are not Telegram.
  server.maxConnections = 200;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new ListenError(options.port, options.host, err)));
    server.listen(options.port, options.host, () => resolve());
  });
  const failed = new Promise<unknown>((resolve) => server.once('error', resolve));

  return {
    port: (server.address() as AddressInfo).port,
    http: server,
    failed,
    ready() {
      registered = true;
    },
    async stop() {
      if (stopping && !server.listening) return;
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Updates in progress get their chance; a client still sending a body is not one of them.
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); });
      await Promise.race([Promise.allSettled([...inFlight.keys()]), grace]);
      clearTimeout(timer);
      if (inFlight.size > 0) logger.warn({ updates: inFlight.size, graceMs }, 'updates still in progress at shutdown; Telegram will resend them');
      server.closeAllConnections();
      await closed;
    },
  };
}
