import { afterEach, describe, expect, it } from 'vitest';
import { Telegram } from 'telegraf';
import { FakeBotApi } from '../support/fake-bot-api.ts';
import { classifyError } from '../../src/digest/sender.ts';
import { SendTimeoutError, telegramSendApi } from '../../src/digest/telegram.ts';

let api: FakeBotApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** The error a failing send throws, as thrown. */
async function thrown(fault: Parameters<FakeBotApi['fail']>[1]): Promise<unknown> {
  api ??= await FakeBotApi.start();
  api.clearFaults();
  api.fail({ method: 'sendMessage' }, fault);
  const send = telegramSendApi(new Telegram(api.token, { apiRoot: api.apiRoot }), { timeoutMs: 300 });
  try {
    await send.sendMessage(1, 'x');
  } catch (err) {
    return err;
  }
  throw new Error('expected the send to fail');
}

async function failure(fault: Parameters<FakeBotApi['fail']>[1]) {
  return classifyError(await thrown(fault));
}

describe('Errors from the Bot API, as the sender reads them', () => {
  it('429 means wait retry_after seconds', async () => {
    expect(await failure({ kind: 'retry_after', seconds: 12 })).toMatchObject({ kind: 'retry_after', ms: 12_000 });
  });

  it('5xx and connections that were never made are transient', async () => {
    expect((await failure({ kind: 'server_error', code: 502 })).kind).toBe('transient');
    const refused = telegramSendApi(new Telegram('1:X', { apiRoot: 'http://127.0.0.1:1' }));
    expect(classifyError(await refused.sendMessage(1, 'x').catch((e: unknown) => e)).kind).toBe('transient');
  });

  it('a connection reset before the answer leaves the outcome unknown (the message may have arrived)', async () => {
    expect((await failure({ kind: 'network' })).kind).toBe('unknown');
  });

  it('a request that hangs is abandoned by the client\'s timeout, and its outcome is unknown', async () => {
    // The server would answer after 3 s; the 300 ms timeout aborts first. Checked by what was thrown, not by timing.
    const err = await thrown({ kind: 'delay', ms: 3000 });
    expect(err).toBeInstanceOf(SendTimeoutError);
    expect(err).toMatchObject({ name: 'TimeoutError', timeoutMs: 300 });
    expect(classifyError(err)).toMatchObject({ kind: 'unknown', reason: expect.stringMatching(/no answer within 300 ms/) });
  });

  it('blocked, kicked and missing chats are gone for good; a migrated group names its new id', async () => {
    expect(await failure({ kind: 'blocked' })).toMatchObject({ kind: 'gone', reason: '403: Forbidden: bot was blocked by the user' });
    expect((await failure({ kind: 'kicked' })).kind).toBe('gone');
    expect((await failure({ kind: 'chat_not_found' })).kind).toBe('gone');
    expect(await failure({ kind: 'migrate', toChatId: -1009 })).toMatchObject({ kind: 'migrate', toChatId: -1009 });
  });

  it('any other 400 is a rejected message, and a bad token stops the run', async () => {
    expect((await failure({ kind: 'bad_request', description: "can't parse entities" })).kind).toBe('rejected');
    await api?.close();
    api = await FakeBotApi.start({ token: '1:OTHER' });
    const send = telegramSendApi(new Telegram('2:WRONG', { apiRoot: api.apiRoot }));
    await expect(send.sendMessage(1, 'x').catch((e: unknown) => Promise.reject(new Error(classifyError(e).kind)))).rejects.toThrow('fatal');
  });
});

describe('Paid broadcasts (BROADCAST_PAID)', () => {
  it('sends digests with allow_paid_broadcast only when the operator turned it on', async () => {
    api = await FakeBotApi.start();
    const telegram = new Telegram(api.token, { apiRoot: api.apiRoot });
    await telegramSendApi(telegram, { paid: true }).sendMessage(1, 'paid');
    await telegramSendApi(telegram).sendMessage(2, 'free');
    expect(api.sent(1)[0]?.params['allow_paid_broadcast']).toBe(true);
    expect(api.sent(2)[0]?.params).not.toHaveProperty('allow_paid_broadcast');
  });
});

describe('When a message really left', () => {
  it('tells when the request was handed to the network, before the answer comes, and never without a request', async () => {
    api = await FakeBotApi.start({ latencyMs: 200 });
    const send = telegramSendApi(new Telegram(api.token, { apiRoot: api.apiRoot }));
    let writtenAt = NaN;
    const start = performance.now();
    await send.sendMessage(1, 'x', { onWritten: () => (writtenAt = performance.now()) });
    const answeredAt = performance.now();
    expect(writtenAt - start).toBeLessThan(answeredAt - start - 100);
    let refusedWritten = false;
    const refused = telegramSendApi(new Telegram('1:X', { apiRoot: 'http://127.0.0.1:1' }));
    await refused.sendMessage(1, 'x', { onWritten: () => (refusedWritten = true) }).catch(() => {});
    expect(refusedWritten).toBe(false);
  });
});
