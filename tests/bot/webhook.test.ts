/** The webhook HTTP server on its own: what hostile or slow clients can and cannot do to it. */
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { startWebhookServer, type WebhookServer, type WebhookServerOptions } from '../../src/bot/webhook.ts';

const SECRET = 'webhook-secret-0123456789';
const servers: WebhookServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

/** A server on a free port whose updates are recorded (or handled by `handle`). */
async function setup(overrides: Partial<WebhookServerOptions> = {}) {
  const updates: unknown[] = [];
  const logs: string[] = [];
  const logger = createLogger({ level: 'info', token: null, destination: new Writable({ write(c, _e, done) { logs.push(String(c)); done(); } }) });
  const server = await startWebhookServer({
    path: '/tg/hook',
    secret: SECRET,
    port: 0,
    host: '127.0.0.1',
    logger,
    handleUpdate: async (update) => { updates.push(update); },
    ...overrides,
  });
  servers.push(server);
  const base = `http://127.0.0.1:${server.port}`;
  const post = (body: string, secret: string | null = SECRET, headers: Record<string, string> = {}) =>
    fetch(`${base}/tg/hook`, { method: 'POST', headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}), ...headers }, body });
  return { server, base, post, updates, logs };
}

/** A raw connection that sends the request head and then only `bytes` of the body it announced. */
function slowClient(port: number, secret: string, announced = 1000, bytes = 10): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`POST /tg/hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: ${secret}\r\nContent-Length: ${announced}\r\n\r\n${'{'.padEnd(bytes, ' ')}`);
      resolve(socket);
    });
    socket.on('error', () => undefined);
    socket.once('error', reject);
    sockets.push(socket);
  });
}

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms))]);

const update = { update_id: 1, message: { message_id: 1, date: 1, chat: { id: 77, type: 'private' }, text: '/about' } };

describe('The webhook server', () => {
  it('hands a well-formed update to the bot and answers 200', async () => {
    const { post, updates } = await setup();
    expect((await post(JSON.stringify(update))).status).toBe(200);
    expect(updates).toEqual([update]);
  });

  it('refuses a wrong or missing secret with 403 without waiting for the body', async () => {
    const { server, post, updates } = await setup();
    expect((await post(JSON.stringify(update), 'wrong-secret-000000000')).status).toBe(403);
    expect((await post(JSON.stringify(update), null)).status).toBe(403);
    // The body never arrives: the answer must not wait for it.
    const socket = await slowClient(server.port, 'wrong-secret-000000000');
    const head = await within(2000, new Promise<string>((resolve) => socket.once('data', (d) => resolve(String(d)))));
    expect(head).toMatch(/^HTTP\/1\.1 403/);
    expect(updates).toEqual([]);
  });

  it('refuses a body over 1 MB with 413, announced or not, without reading it all', async () => {
    const { server, post, updates } = await setup();
    expect((await post('x'.repeat(1024 * 1024 + 1))).status).toBe(413);
    // Content-Length says 100 MB but only a little is sent: the answer comes at once.
    const socket = await slowClient(server.port, SECRET, 100 * 1024 * 1024, 10);
    const head = await within(2000, new Promise<string>((resolve) => socket.once('data', (d) => resolve(String(d)))));
    expect(head).toMatch(/^HTTP\/1\.1 413/);
    // Chunked, with no length announced: cut off once past the limit.
    const chunked = new ReadableStream({ start(c) { for (let i = 0; i < 20; i++) c.enqueue(new Uint8Array(100 * 1024)); c.close(); } });
    const res = await fetch(`http://127.0.0.1:${server.port}/tg/hook`, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: chunked, duplex: 'half' } as RequestInit).catch((err: unknown) => err);
    if (res instanceof Response) expect(res.status).toBe(413);
    expect(updates).toEqual([]);
  });

  it('answers 400 to bodies that are not an update, and never hands them to the bot', async () => {
    const { post, updates } = await setup();
    for (const body of ['null', '[]', '"text"', '42', 'true', '{}', '{"update_id":"1"}', '{"update_id":-1}', '{not json', '']) {
      expect((await post(body)).status, body).toBe(400);
    }
    expect(updates).toEqual([]);
  });

  it('answers 500 and keeps serving when handling an update throws', async () => {
    let calls = 0;
    const { post, logs } = await setup({ handleUpdate: async () => { if (++calls === 1) throw new Error('boom'); } });
    expect((await post(JSON.stringify(update))).status).toBe(500);
    expect((await post(JSON.stringify({ ...update, update_id: 2 }))).status).toBe(200);
    expect(logs.join('')).toContain('"update_id":1');
  });

  it('stops within a bounded time while a client sends its body slowly, with or without the secret', async () => {
    const { server } = await setup();
    await slowClient(server.port, SECRET);
    await slowClient(server.port, 'wrong-secret-000000000');
    const started = Date.now();
    await within(3000, server.stop());
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('lets an update in progress finish when stopping, but gives up on it after the grace period', async () => {
    let finished = false;
    const { server, post } = await setup({ graceMs: 300, handleUpdate: () => new Promise((r) => setTimeout(() => { finished = true; r(); }, 100)) });
    const answered = post(JSON.stringify(update));
    await new Promise((r) => setTimeout(r, 30));
    await server.stop();
    expect(finished).toBe(true);
    expect((await answered).status).toBe(200);

    const stuck = await setup({ graceMs: 300, handleUpdate: () => new Promise<void>(() => undefined) });
    void stuck.post(JSON.stringify(update)).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 30));
    await within(2000, stuck.server.stop());
  });

  it('sets timeouts so idle and slow connections cannot pile up', async () => {
    const { server } = await setup();
    expect(server.http.headersTimeout).toBeLessThanOrEqual(15_000);
    expect(server.http.requestTimeout).toBeLessThanOrEqual(30_000);
    expect(server.http.requestTimeout).toBeGreaterThan(0);
    expect(server.http.keepAliveTimeout).toBeLessThanOrEqual(10_000);
  });

  it('closes a connection whose body stalls past the request timeout', async () => {
    const { server } = await setup({ timeouts: { headersMs: 200, requestMs: 300, keepAliveMs: 100 } });
    const socket = await slowClient(server.port, SECRET);
    let answer = '';
    socket.on('data', (d) => { answer += String(d); });
    // The server ends the connection (the client may still hold its half open).
    await within(3000, new Promise((resolve) => socket.once('end', resolve)));
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('GET /healthz', () => {
  it('says ok once the webhook is ready and every check passes', async () => {
    const { server, base } = await setup();
    server.ready();
    const res = await fetch(`${base}/healthz`);
    expect([res.status, await res.text()]).toEqual([200, 'ok']);
  });

  it('answers 503 with a one-word reason: starting, a failed check, a stalled update, stopping', async () => {
    let storeOk = true;
    let release!: () => void;
    const { server, base, post } = await setup({ health: () => (storeOk ? null : 'store'), stalledAfterMs: 100, handleUpdate: () => new Promise<void>((r) => { release = r; }) });
    const health = async () => { const res = await fetch(`${base}/healthz`); return `${res.status} ${await res.text()}`; };
    expect(await health()).toBe('503 starting');
    server.ready();
    expect(await health()).toBe('200 ok');
    storeOk = false;
    expect(await health()).toBe('503 store');
    storeOk = true;
    const answered = post(JSON.stringify(update));
    await new Promise((r) => setTimeout(r, 200));
    expect(await health()).toBe('503 stalled');
    release();
    await answered;
    expect(await health()).toBe('200 ok');
    const stopping = server.stop();
    await stopping;
  });
});
