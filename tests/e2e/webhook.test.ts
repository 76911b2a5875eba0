/** Webhook mode: the bot serves /healthz, accepts updates only with the secret token, answers them, and stops on SIGTERM. */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { freePort, spawnBot, type BotProcess } from './harness.ts';

const TOKEN = '5550003333:AAWebhookTokenForTheTests_abcdefghijk';
const SECRET = 'webhook-secret-0123456789';

let api: FakeBotApi;
let bot: BotProcess;
let base = '';

beforeAll(async () => {
  api = await FakeBotApi.start({ token: TOKEN });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  bot = spawnBot({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.apiRoot, WEBHOOK_URL: `${base}/tg/hook`, WEBHOOK_SECRET: SECRET, PORT: String(port), HOST: '127.0.0.1' });
  await bot.waitFor(/"msg":"bot started"/, 20_000);
});

afterAll(async () => {
  await bot.stop('SIGKILL');
  await api.close();
});

function post(body: unknown, secret?: string): Promise<Response> {
  return fetch(`${base}/tg/hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    body: JSON.stringify(body),
  });
}

const update = (id: number, text: string) => ({ update_id: id, message: { message_id: id, date: 1, chat: { id: 77, type: 'private', first_name: 'u' }, from: { id: 77, is_bot: false, first_name: 'u' }, text } });

describe('In webhook mode', () => {
  it('registers the webhook with its secret', () => {
    const call = api.callsTo('setWebhook')[0];
    expect(call?.params).toMatchObject({ url: `${base}/tg/hook`, secret_token: SECRET });
  });

  it('answers GET /healthz', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it('refuses updates without the right secret token', async () => {
    expect((await post(update(1, '/about'))).status).toBe(403);
    expect((await post(update(2, '/about'), 'wrong-secret-000000000')).status).toBe(403);
    expect(api.sent(77)).toEqual([]);
  });

  it('answers updates that carry the secret token', async () => {
    const res = await post(update(3, '/district 潼南'), SECRET);
    expect(res.status).toBe(200);
    expect(api.sentTexts(77)[0]).toContain('潼南区');
  });

  it('survives bodies of any shape with the right secret, and goes on answering', async () => {
    const raw = (body: string) => fetch(`${base}/tg/hook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body });
    for (const body of ['null', '[]', '"text"', '{"update_id":4}', '{"update_id":5,"message":{}}', '{"update_id":6,"message":null}', '{"update_id":7,"message":{"text":"/about"}}', '{"update_id":8,"callback_query":{"data":"x"}}', '{"update_id":9,"my_chat_member":{}}']) {
      expect((await raw(body)).status, body).toBeLessThan(500);
    }
    const res = await post(update(10, '/about'), SECRET);
    expect(res.status).toBe(200);
    expect(bot.child.exitCode).toBeNull();
  });

  it('stops on SIGTERM with exit code 0 within 10 s while clients send their bodies slowly', async () => {
    const { port } = new URL(base);
    const slow = (secret: string) => new Promise<Socket>((resolve) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(`POST /tg/hook HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: ${secret}\r\nContent-Length: 1000\r\n\r\n{`);
        resolve(socket);
      });
      socket.on('error', () => undefined);
    });
    const sockets = [await slow(SECRET), await slow('wrong-secret-000000000')];
    const started = Date.now();
    const code = await Promise.race([bot.stop('SIGTERM'), new Promise((r) => setTimeout(() => r('still running after 12 s'), 12_000))]);
    for (const s of sockets) s.destroy();
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  }, 20_000);
});
