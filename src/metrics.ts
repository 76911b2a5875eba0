/** Prometheus metrics (prom-client), one registry per process; served as `GET /metrics` by src/bot/ops-server.ts and the webhook server. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { SendEvent } from './digest/sender.ts';

/** Why the sender waited: the global limit (or its pacing), a chat's or group's limit, or a 429's retry_after. */
export type ThrottleCause = 'global' | 'chat' | '429';

export interface Metrics {
  readonly registry: Registry;
  /** One handled update; `command` is null when the update was not a command (chatter, buttons without one). */
  update(u: { type: string; command: string | null; ms: number; ignored: boolean; failed: boolean }): void;
  /** Every digest sender event (sent, failed, dropped…). */
  digest(e: SendEvent): void;
  /** A wait imposed by the rate limits or by Telegram. */
  throttle(cause: ThrottleCause, ms: number): void;
  /** The report being answered from (set at start, and again if it is reloaded). */
  report(r: { articles: number; sections: number }): void;
}

/** Build the metrics; `defaults` adds Node's process metrics (memory, event-loop lag, GC), off in tests. */
export function createMetrics(options: { defaults?: boolean; prefix?: string } = {}): Metrics {
  const registry = new Registry();
  const p = options.prefix ?? 'reportbot_';
  if (options.defaults ?? true) collectDefaultMetrics({ register: registry, prefix: p });
  const updates = new Counter({ name: `${p}updates_total`, help: 'Updates handled, by Telegram update type and bot command (none: not a command)', labelNames: ['type', 'command', 'outcome'] as const, registers: [registry] });
  // Buckets from a cached search (a few ms) to a slow Bot API reply (seconds).
  const latency = new Histogram({ name: `${p}answer_seconds`, help: 'Time from receiving an update to having answered it, by command', labelNames: ['command'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] });
  const digests = new Counter({ name: `${p}digests_total`, help: 'Digest sender outcomes: sent, failed (retried later), dropped (not today), retry, skipped, deactivated, migrated, fatal', labelNames: ['outcome'] as const, registers: [registry] });
  const waits = new Counter({ name: `${p}rate_limit_waits_total`, help: 'Times the digest sender waited for a rate limit (global, chat) or a 429 (429)', labelNames: ['cause'] as const, registers: [registry] });
  const waitSeconds = new Counter({ name: `${p}rate_limit_wait_seconds_total`, help: 'Seconds the digest sender was told to wait, by cause', labelNames: ['cause'] as const, registers: [registry] });
  const tooMany = new Counter({ name: `${p}telegram_429_total`, help: 'Too Many Requests answers from the Bot API to digest sends', registers: [registry] });
  const articles = new Gauge({ name: `${p}report_articles`, help: 'Articles in the report being answered from', registers: [registry] });
  const sections = new Gauge({ name: `${p}report_sections`, help: 'Sections in the report being answered from', registers: [registry] });
  return {
    registry,
    update(u) {
      const command = u.command ?? 'none';
      updates.inc({ type: u.type, command, outcome: u.failed ? 'failed' : u.ignored ? 'ignored' : 'answered' });
      if (!u.ignored && !u.failed) latency.observe({ command }, u.ms / 1000);
    },
    digest(e) {
      digests.inc({ outcome: e.type });
    },
    throttle(cause, ms) {
      waits.inc({ cause });
      waitSeconds.inc({ cause }, ms / 1000);
      if (cause === '429') tooMany.inc();
    },
    report(r) {
      articles.set(r.articles);
      sections.set(r.sections);
    },
  };
}
