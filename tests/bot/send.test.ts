import { TelegramError } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { isUnreachable, withRetry } from '../../src/bot/send.ts';

const tgError = (code: number, description: string, retryAfter?: number) =>
  new TelegramError({ error_code: code, description, ...(retryAfter ? { parameters: { retry_after: retryAfter } } : {}) });

function failing(errors: unknown[]) {
  let calls = 0;
  return { fn: async () => { const e = errors[calls++]; if (e) throw e; return 'sent'; }, calls: () => calls };
}

describe('withRetry', () => {
  it('waits retry_after seconds on a 429', async () => {
    const waits: number[] = [];
    const call = failing([tgError(429, 'Too Many Requests: retry after 3', 3)]);
    expect(await withRetry(call.fn, { sleep: async (ms) => { waits.push(ms); } })).toBe('sent');
    expect(waits).toEqual([3000]);
  });

  it('gives up on a 429 asking for longer than an interactive reply can wait', async () => {
    const call = failing([tgError(429, 'Too Many Requests: retry after 60', 60)]);
    await expect(withRetry(call.fn, { sleep: async () => {} })).rejects.toThrow('429');
    expect(call.calls()).toBe(1);
  });

  it('does not resend after a timeout or a reset: the reply may have arrived, and a double answer is worse', async () => {
    const reset = Object.assign(new Error('socket hang up'), { name: 'FetchError', code: 'ECONNRESET' });
    const call = failing([reset]);
    await expect(withRetry(call.fn, { sleep: async () => {} })).rejects.toBe(reset);
    expect(call.calls()).toBe(1);
  });

  it('backs off on 5xx and refused connections, doubling, up to three tries', async () => {
    const waits: number[] = [];
    const network = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { name: 'FetchError', code: 'ECONNREFUSED', errno: 'ECONNREFUSED' });
    const call = failing([tgError(502, 'Bad Gateway'), network, tgError(500, 'x')]);
    await expect(withRetry(call.fn, { sleep: async (ms) => { waits.push(ms); } })).rejects.toThrow('500');
    expect(waits).toEqual([500, 1000]);
    expect(call.calls()).toBe(3);
  });

  it('never retries a 400, a 403 or a bug in our own code', async () => {
    for (const err of [tgError(400, 'Bad Request: can\'t parse entities'), tgError(403, 'Forbidden: bot was blocked by the user'), new TypeError('x is undefined')]) {
      const call = failing([err]);
      await expect(withRetry(call.fn, { sleep: async () => {} })).rejects.toBe(err);
      expect(call.calls()).toBe(1);
    }
  });

  it('knows blocked, kicked and vanished chats are unreachable', () => {
    expect(isUnreachable(tgError(403, 'Forbidden: bot was kicked from the group chat'))).toBe(true);
    expect(isUnreachable(tgError(400, 'Bad Request: chat not found'))).toBe(true);
    expect(isUnreachable(tgError(400, 'Bad Request: message is too long'))).toBe(false);
  });
});
