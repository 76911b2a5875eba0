/** Webhook mode: the bot serves /healthz, accepts updates only with the secret token, answers them, and stops on SIGTERM. */
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

  it('stops gracefully on SIGINT with exit code 0, answering /healthz with 503 no more', async () => {
    expect(await bot.stop('SIGINT')).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
