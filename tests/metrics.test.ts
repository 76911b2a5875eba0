import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startOpsServer, type OpsServer } from '../src/bot/ops-server.ts';
import { createLogger } from '../src/logger.ts';
import { createMetrics } from '../src/metrics.ts';
import { dm, setup, TOKEN, type Setup } from './bot/support.ts';

const silent = createLogger({ level: 'silent', token: TOKEN, destination: new Writable({ write: (_c, _e, done) => done() }) });
let s: Setup | undefined;
let ops: OpsServer | undefined;
afterEach(async () => {
  await s?.close();
  await ops?.stop();
  s = undefined;
  ops = undefined;
});

describe('Prometheus metrics', () => {
  it('count updates by type and command, time the answers, and count digests, waits, 429s and the report', async () => {
    const metrics = createMetrics({ defaults: false });
    s = await setup({ onUpdate: (u) => metrics.update(u) });
    await s.send(dm('/search 潼南'));
    await s.send(dm('/district 潼南'));
    await s.send(dm('/search x'));
    metrics.digest({ type: 'sent', chatId: 1, threadId: null, date: '2022-06-03', sectionId: 's', messageId: 1, attempt: 1 });
    metrics.digest({ type: 'dropped', chatId: 2, threadId: null, date: '2022-06-03', reason: 'blocked' });
    metrics.throttle('global', 250);
    metrics.throttle('429', 3000);
    metrics.report({ articles: 1, sections: 25 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('reportbot_updates_total{type="message",command="search",outcome="answered"} 2');
    expect(text).toContain('reportbot_updates_total{type="message",command="district",outcome="answered"} 1');
    expect(text).toMatch(/reportbot_answer_seconds_count\{command="search"\} 2/);
    expect(text).toContain('reportbot_digests_total{outcome="sent"} 1');
    expect(text).toContain('reportbot_digests_total{outcome="dropped"} 1');
    expect(text).toContain('reportbot_rate_limit_waits_total{cause="global"} 1');
    expect(text).toContain('reportbot_rate_limit_wait_seconds_total{cause="429"} 3');
    expect(text).toContain('reportbot_telegram_429_total 1');
    expect(text).toContain('reportbot_report_sections 25');
    expect(text).toContain('reportbot_report_articles 1');
  });

  it('are served as GET /metrics next to /healthz in polling mode, and nothing else is', async () => {
    const metrics = createMetrics({ defaults: false });
    metrics.report({ articles: 2, sections: 3 });
    let healthy: string | null = null;
    ops = await startOpsServer({ port: 0, host: '127.0.0.1', metrics: metrics.registry, health: async () => healthy, logger: silent });
    const base = `http://127.0.0.1:${ops.port}`;
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    expect(await res.text()).toContain('reportbot_report_sections 3');
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok');
    healthy = 'store';
    const sick = await fetch(`${base}/healthz`);
    expect([sick.status, await sick.text()]).toEqual([503, 'store']);
    expect((await fetch(`${base}/telegram`, { method: 'POST', body: '{}' })).status).toBe(404);
  });
});
