/**
 * A small fake Telegram Bot API server for tests and benchmarks.
 *
 * Speaks `POST /bot<token>/<method>` on a free 127.0.0.1 port, so telegraf can use it through
 * `new Telegraf(token, { telegram: { apiRoot: api.apiRoot } })`. It accepts JSON, urlencoded and
 * multipart bodies, records every call, and injects faults per chat and per method.
 *
 * @example
 *   const api = await FakeBotApi.start();
 *   api.fail({ method: 'sendMessage', chatId: 42, times: 1 }, { kind: 'retry_after', seconds: 1 });
 *   // … run the code under test against api.apiRoot …
 *   expect(api.sent(42)).toHaveLength(1);
 *   await api.close();
 *
 * Photos: sendPhoto takes an upload (multipart, kept as bytes: `photo: { filename, bytes }` in the recorded params)
 * and answers with a new file_id, or a file_id it gave out before; any other file_id is refused as by Telegram.
 *
 * Inline mode: `pushInlineQuery(user, '潼南')` delivers an inline_query update; `inlineAnswers(id)` reads what the bot
 * answered. Like Telegram, answerInlineQuery is refused for a malformed answer and for a query older than `inlineTtlMs`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { validateTelegramHtml } from '../../src/render/telegram-html.ts';

/** A fault the server can answer with instead of the normal result. */
export type Fault =
  | { kind: 'retry_after'; seconds: number } // 429 Too Many Requests
  | { kind: 'server_error'; code?: number } // 500 (or another 5xx)
  | { kind: 'blocked' } // 403 bot was blocked by the user
  | { kind: 'kicked' } // 403 bot was kicked from the group chat
  | { kind: 'chat_not_found' } // 400 chat not found
  | { kind: 'migrate'; toChatId: number } // 400 group chat was upgraded to a supergroup chat
  | { kind: 'bad_request'; description: string } // any other 400
  | { kind: 'network' } // the connection is destroyed without an answer
  | { kind: 'delay'; ms: number }; // answer normally, but late

/** Which calls a fault applies to; omitted fields match everything. */
export interface FaultMatch {
  method?: string;
  chatId?: number | string;
  /** Only calls into this forum topic (their `message_thread_id`), e.g. a deleted topic. */
  threadId?: number;
  /** How many matching calls fail before the rule is used up (default: forever). */
  times?: number;
}

/** One recorded call. `chatId` is the call's `chat_id` parameter, normalised to a string. */
export interface RecordedCall {
  seq: number;
  method: string;
  token: string;
  params: Record<string, unknown>;
  chatId: string | null;
  /** `Date.now()` when the request arrived. */
  at: number;
  /** `performance.now()` when the request arrived: for rate measurements. */
  atHr: number;
  /** HTTP status answered, or 0 for a dropped connection. */
  status: number;
  /** Whether the call succeeded (a message was "delivered" for sendMessage). */
  ok: boolean;
}

export type ChatMemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

export interface FakeBotApiOptions {
  /** Token the server accepts; calls with another token get 401 (default `123:TEST`). */
  token?: string;
  /** Username returned by getMe (default `report_test_bot`). */
  username?: string;
  /** Cap on getUpdates long-poll waits, so tests never hang for the client's 50 s (default 500 ms). */
  maxPollMs?: number;
  /** Don't keep params of sendMessage calls (memory for 10,000+ message benchmarks). */
  lean?: boolean;
  /** Reject texts like Telegram does: over 4,096 characters, or invalid HTML with `parse_mode: 'HTML'` (400). */
  strictHtml?: boolean;
  /**
   * Answer every call this many ms after it arrived, jittered ±20% (uniformly): a round trip to a distant
   * Bot API. Calls are still recorded on arrival. Can be changed later with `setLatency`.
   */
  latencyMs?: number;
  /** What getMe says about inline mode (BotFather's /setinline; default false, as for a new bot). */
  supportsInline?: boolean;
  /** Answers to an inline query arriving this long after it was pushed get `query is too old` (default 10 s, as Telegram). */
  inlineTtlMs?: number;
}

/** An inline query as the user sees it: who typed it, and the offset Telegram sends when the next page is wanted. */
/** One article result of an answerInlineQuery call, as tests read it back. */
export interface InlineArticle {
  id: string;
  title: string;
  description?: string;
  input_message_content: { message_text: string; parse_mode?: string };
  reply_markup?: { inline_keyboard: Array<Array<Record<string, string>>> };
}

export interface InlineQueryInput {
  from: { id: number; first_name?: string; language_code?: string };
  query: string;
  offset?: string;
  chatType?: 'sender' | 'private' | 'group' | 'supergroup' | 'channel';
}

interface FaultRule extends FaultMatch {
  fault: Fault;
  remaining: number;
}

interface Waiter {
  resolve: () => void;
}

const BOT_ID = 7000000001;

/** A fake Bot API; create with `FakeBotApi.start()`, stop with `close()`. */
export class FakeBotApi {
  readonly token: string;
  readonly username: string;
  /** Every call, in arrival order. */
  readonly calls: RecordedCall[] = [];
  /** Pass to telegraf as `telegram.apiRoot`. */
  apiRoot = '';
  port = 0;

  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly rules: FaultRule[] = [];
  private readonly members = new Map<string, ChatMemberStatus>();
  private readonly updates: Record<string, unknown>[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(call: RecordedCall) => void>();
  private readonly maxPollMs: number;
  private readonly lean: boolean;
  private readonly strictHtml: boolean;
  private latencyMs: number;
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private nextInlineQueryId = 1;
  private readonly inlineQueries = new Map<string, number>();
  /** Photos uploaded with sendPhoto, by the file_id given out for them. */
  readonly photos = new Map<string, Buffer>();
  private readonly supportsInline: boolean;
  private readonly inlineTtlMs: number;
  private seq = 0;
  private closed = false;

  private constructor(options: FakeBotApiOptions) {
    this.token = options.token ?? '123:TEST';
    this.username = options.username ?? 'report_test_bot';
    this.maxPollMs = options.maxPollMs ?? 500;
    this.lean = options.lean ?? false;
    this.strictHtml = options.strictHtml ?? false;
    this.latencyMs = options.latencyMs ?? 0;
    this.supportsInline = options.supportsInline ?? false;
    this.inlineTtlMs = options.inlineTtlMs ?? 10_000;
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Start a server on a free port of 127.0.0.1. */
  static async start(options: FakeBotApiOptions = {}): Promise<FakeBotApi> {
    const api = new FakeBotApi(options);
    await new Promise<void>((resolve, reject) => {
      api.server.once('error', reject);
      api.server.listen(0, '127.0.0.1', () => resolve());
    });
    api.port = (api.server.address() as AddressInfo).port;
    api.apiRoot = `http://127.0.0.1:${api.port}`;
    return api;
  }

  /** Make matching calls fail with `fault` (rules are checked in the order they were added). */
  fail(match: FaultMatch, fault: Fault): void {
    this.rules.push({ ...match, fault, remaining: match.times ?? Infinity });
  }

  /** Answer calls from now on after about `ms` (±20%); 0 answers at once. */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Remove every fault rule. */
  clearFaults(): void {
    this.rules.length = 0;
  }

  /** Set what getChatMember answers for this user in this chat (default `member`). */
  setMember(chatId: number | string, userId: number | string, status: ChatMemberStatus): void {
    this.members.set(`${chatId}:${userId}`, status);
  }

  /** Queue an update for getUpdates; `update_id` is filled in when missing. Returns the update id. */
  pushUpdate(update: Record<string, unknown>): number {
    const id = typeof update['update_id'] === 'number' ? update['update_id'] : this.nextUpdateId;
    this.nextUpdateId = Math.max(this.nextUpdateId, id + 1);
    this.updates.push({ ...update, update_id: id });
    for (const w of this.waiters) w.resolve();
    return id;
  }

  /** Queue an inline_query update, as Telegram sends while a user types `@bot …`. Returns the query's id. */
  pushInlineQuery(input: InlineQueryInput): string {
    const update = this.inlineQueryUpdate(input);
    this.pushUpdate(update);
    return update.inline_query.id;
  }

  /** An inline_query update this server will accept answers to (for `bot.handleUpdate` without polling); its clock starts now. */
  inlineQueryUpdate(input: InlineQueryInput): { inline_query: { id: string; from: Record<string, unknown>; query: string; offset: string; chat_type: string } } {
    const id = `iq${this.nextInlineQueryId++}`;
    this.inlineQueries.set(id, Date.now());
    return {
      inline_query: {
        id,
        from: { is_bot: false, first_name: `user${input.from.id}`, ...input.from },
        query: input.query,
        offset: input.offset ?? '',
        chat_type: input.chatType ?? 'sender',
      },
    };
  }

  /** Accepted answerInlineQuery calls (their params), optionally for one query id. */
  inlineAnswers(queryId?: string): Array<Record<string, unknown>> {
    return this.callsTo('answerInlineQuery')
      .filter((c) => c.ok && (queryId === undefined || c.params['inline_query_id'] === queryId))
      .map((c) => c.params);
  }

  /** Calls a listener for every recorded call (e.g. to kill a process after the n-th message). */
  onCall(listener: (call: RecordedCall) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Recorded calls of one method, optionally for one chat. */
  /** Wait until `predicate` holds, polling the recorded calls; the error lists them when it never does. */
  async until(predicate: () => boolean, timeoutMs = 8000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > end) throw new Error(`condition not met in ${timeoutMs} ms; calls: ${this.calls.map((c) => `${c.method}:${c.status}`).join(' ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  callsTo(method: string, chatId?: number | string): RecordedCall[] {
    const chat = chatId === undefined ? undefined : String(chatId);
    return this.calls.filter((c) => c.method === method && (chat === undefined || c.chatId === chat));
  }

  /** Successfully delivered sendMessage calls, optionally for one chat. */
  sent(chatId?: number | string): RecordedCall[] {
    return this.callsTo('sendMessage', chatId).filter((c) => c.ok);
  }

  /** Texts of delivered messages, optionally for one chat. */
  sentTexts(chatId?: number | string): string[] {
    return this.sent(chatId).map((c) => String(c.params['text'] ?? ''));
  }

  /** Forget recorded calls (fault rules and queued updates stay). */
  reset(): void {
    this.calls.length = 0;
  }

  /** Stop the server, ending pending long polls and open connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters) w.resolve();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const atHr = performance.now();
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec((req.url ?? '').split('?')[0] ?? '');
    let params: Record<string, unknown> = {};
    try {
      params = await readParams(req);
    } catch {
      return reply(res, 400, { ok: false, error_code: 400, description: 'Bad Request: cannot parse body' });
    }
    if (!match) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token = '', method = ''] = match;
    const rawChat = params['chat_id'];
    const call: RecordedCall = {
      seq: this.seq++,
      method,
      token,
      params: this.lean && method === 'sendMessage' ? { chat_id: rawChat } : params,
      chatId: rawChat === undefined || rawChat === null ? null : String(rawChat),
      at,
      atHr,
      status: 200,
      ok: true,
    };
    this.calls.push(call);
    if (this.latencyMs > 0) await sleep(this.latencyMs * (0.8 + 0.4 * Math.random()));
    const finish = (status: number, body: unknown): void => {
      call.status = status;
      call.ok = status === 200;
      for (const l of this.listeners) l(call);
      reply(res, status, body);
    };

    if (token !== this.token) return finish(401, { ok: false, error_code: 401, description: 'Unauthorized' });

    const fault = this.takeFault(method, call.chatId, params['message_thread_id']);
    if (fault) {
      switch (fault.kind) {
        case 'delay':
          await sleep(fault.ms);
          break;
        case 'network':
          call.status = 0;
          call.ok = false;
          for (const l of this.listeners) l(call);
          req.socket.destroy();
          return;
        case 'retry_after':
          return finish(429, {
            ok: false,
            error_code: 429,
            description: `Too Many Requests: retry after ${fault.seconds}`,
            parameters: { retry_after: fault.seconds },
          });
        case 'server_error':
          return finish(fault.code ?? 500, { ok: false, error_code: fault.code ?? 500, description: 'Internal Server Error' });
        case 'blocked':
          return finish(403, { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' });
        case 'kicked':
          return finish(403, { ok: false, error_code: 403, description: 'Forbidden: bot was kicked from the group chat' });
        case 'chat_not_found':
          return finish(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' });
        case 'migrate':
          return finish(400, {
            ok: false,
            error_code: 400,
            description: 'Bad Request: group chat was upgraded to a supergroup chat',
            parameters: { migrate_to_chat_id: fault.toChatId },
          });
        case 'bad_request':
          return finish(400, { ok: false, error_code: 400, description: `Bad Request: ${fault.description}` });
      }
    }

    if (this.strictHtml && (method === 'sendMessage' || method === 'editMessageText')) {
      const text = String(params['text'] ?? '');
      const problems = params['parse_mode'] === 'HTML' ? validateTelegramHtml(text) : text.length > 4096 ? ['message is too long'] : [];
      if (problems.length > 0) {
        const description = problems.some((p) => /long|over \d+/.test(p)) ? 'message is too long' : `can't parse entities: ${problems[0]}`;
        return finish(400, { ok: false, error_code: 400, description: `Bad Request: ${description}` });
      }
    }

    if (method === 'sendPhoto') {
      const problem = this.photoProblem(params);
      if (problem) return finish(400, { ok: false, error_code: 400, description: `Bad Request: ${problem}` });
    }

    if (method === 'answerInlineQuery') {
      const problem = this.inlineProblem(params);
      if (problem) return finish(400, { ok: false, error_code: 400, description: `Bad Request: ${problem}` });
    }

    const result = await this.result(method, params);
    if (result === undefined) return finish(404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    finish(200, { ok: true, result });
  }

  /** Why Telegram would refuse this sendPhoto, or null: an unknown file_id, a caption over 1,024 characters or (strict) with invalid HTML. */
  private photoProblem(params: Record<string, unknown>): string | null {
    const photo = params['photo'];
    if (typeof photo === 'string' && !this.photos.has(photo)) return 'wrong file identifier/HTTP URL specified';
    if (typeof photo !== 'string' && !(photo && typeof photo === 'object' && 'bytes' in photo)) return 'there is no photo in the request';
    const caption = String(params['caption'] ?? '');
    if (caption.length > 1024) return 'message caption is too long';
    if (this.strictHtml && params['parse_mode'] === 'HTML') {
      const problems = validateTelegramHtml(caption);
      if (problems.length > 0) return `can't parse entities: ${problems[0]}`;
    }
    return null;
  }

  /** Why Telegram would refuse this answerInlineQuery, or null. */
  private inlineProblem(params: Record<string, unknown>): string | null {
    const sentAt = this.inlineQueries.get(String(params['inline_query_id']));
    if (sentAt === undefined || Date.now() - sentAt > this.inlineTtlMs) return 'query is too old and response timeout expired or query ID is invalid';
    const results = params['results'];
    if (!Array.isArray(results)) return 'results must be an array';
    if (results.length > 50) return 'RESULTS_TOO_MUCH';
    const ids = new Set<string>();
    for (const r of results as Array<Record<string, unknown>>) {
      const id = String(r['id'] ?? '');
      if (id === '' || Buffer.byteLength(id) > 64) return 'RESULT_ID_INVALID';
      if (ids.has(id)) return 'RESULT_ID_DUPLICATE';
      ids.add(id);
      if (r['type'] === 'photo') {
        // A cached photo: a file_id Telegram gave out; its caption is the message.
        if (typeof r['photo_file_id'] !== 'string' || !this.photos.has(r['photo_file_id'])) return 'PHOTO_INVALID';
        if (this.strictHtml && r['parse_mode'] === 'HTML' && validateTelegramHtml(String(r['caption'] ?? '')).length > 0) return "can't parse entities in a photo caption";
        continue;
      }
      if (r['type'] !== 'article' || typeof r['title'] !== 'string' || r['title'] === '') return 'RESULT_TYPE_INVALID';
      const content = (r['input_message_content'] ?? {}) as Record<string, unknown>;
      const text = String(content['message_text'] ?? '');
      if (text.trim() === '') return 'MESSAGE_EMPTY';
      if (this.strictHtml) {
        const problems = content['parse_mode'] === 'HTML' ? validateTelegramHtml(text) : text.length > 4096 ? ['message is too long'] : [];
        if (problems.length > 0) return `can't parse entities: ${problems[0]}`;
      }
      for (const row of ((r['reply_markup'] as { inline_keyboard?: unknown[][] } | undefined)?.inline_keyboard ?? []) as Array<Array<Record<string, unknown>>>) {
        for (const b of row) {
          for (const key of ['switch_inline_query', 'switch_inline_query_current_chat']) {
            if (typeof b[key] === 'string' && (b[key] as string).length > 256) return 'BUTTON_QUERY_TOO_LONG';
          }
        }
      }
    }
    const next = params['next_offset'];
    if (next !== undefined && Buffer.byteLength(String(next)) > 64) return 'NEXT_OFFSET_INVALID';
    const button = params['button'] as Record<string, unknown> | undefined;
    if (button !== undefined) {
      if (typeof button['text'] !== 'string' || button['text'] === '') return 'BUTTON_TEXT_INVALID';
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(String(button['start_parameter'] ?? ''))) return 'START_PARAM_INVALID';
    }
    return null;
  }

  private takeFault(method: string, chatId: string | null, threadId: unknown): Fault | null {
    for (const rule of this.rules) {
      if (rule.remaining <= 0) continue;
      if (rule.method !== undefined && rule.method !== method) continue;
      if (rule.chatId !== undefined && String(rule.chatId) !== chatId) continue;
      if (rule.threadId !== undefined && String(rule.threadId) !== String(threadId)) continue;
      rule.remaining--;
      return rule.fault;
    }
    return null;
  }

  private async result(method: string, params: Record<string, unknown>): Promise<unknown> {
    const now = Math.floor(Date.now() / 1000);
    switch (method) {
      case 'getMe':
        return { id: BOT_ID, is_bot: true, first_name: 'Report Bot', username: this.username, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: this.supportsInline };
      case 'sendMessage':
        return { message_id: this.nextMessageId++, date: now, chat: chatOf(params['chat_id']), text: String(params['text'] ?? '') };
      case 'sendPhoto': {
        const photo = params['photo'];
        let fileId: string;
        if (typeof photo === 'string') fileId = photo;
        else {
          fileId = `photo-${this.photos.size + 1}-${this.nextMessageId}`;
          this.photos.set(fileId, (photo as { bytes: Buffer }).bytes);
        }
        const size = this.photos.get(fileId)?.length ?? 0;
        return {
          message_id: this.nextMessageId++,
          date: now,
          chat: chatOf(params['chat_id']),
          photo: [{ file_id: fileId, file_unique_id: `u-${fileId}`, width: 1280, height: 1120, file_size: size }],
          ...(params['caption'] !== undefined ? { caption: String(params['caption']) } : {}),
        };
      }
      case 'editMessageText':
        return params['inline_message_id'] !== undefined
          ? true
          : { message_id: Number(params['message_id'] ?? 0), date: now, edit_date: now, chat: chatOf(params['chat_id']), text: String(params['text'] ?? '') };
      case 'getChatMember': {
        const userId = Number(params['user_id']);
        const status = this.members.get(`${String(params['chat_id'])}:${String(params['user_id'])}`) ?? 'member';
        return { status, user: { id: userId, is_bot: false, first_name: `user${userId}` } };
      }
      case 'getChat':
        return chatOf(params['chat_id']);
      case 'getUpdates':
        return this.getUpdates(params);
      case 'setMyCommands':
      case 'deleteMyCommands':
      case 'answerCallbackQuery':
      case 'answerInlineQuery':
      case 'deleteWebhook':
      case 'setWebhook':
      case 'deleteMessage':
      case 'sendChatAction':
      case 'close':
      case 'logOut':
        return true;
      case 'getMyCommands':
        return [];
      case 'getWebhookInfo':
        return { url: '', has_custom_certificate: false, pending_update_count: this.updates.length };
      default:
        return undefined;
    }
  }

  private async getUpdates(params: Record<string, unknown>): Promise<unknown[]> {
    const offset = Number(params['offset'] ?? 0);
    // A positive offset confirms every earlier update, as in the real API.
    if (offset > 0) {
      while (this.updates.length > 0 && Number(this.updates[0]?.['update_id']) < offset) this.updates.shift();
    }
    const limit = Number(params['limit'] ?? 100) || 100;
    const timeoutMs = Math.min(Number(params['timeout'] ?? 0) * 1000, this.maxPollMs);
    if (this.updates.length === 0 && timeoutMs > 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const waiter: Waiter = { resolve: () => { clearTimeout(timer); this.waiters.delete(waiter); resolve(); } };
        const timer = setTimeout(() => waiter.resolve(), timeoutMs);
        this.waiters.add(waiter);
      });
    }
    return this.updates.slice(0, limit);
  }
}

/** A chat object whose type follows Telegram's id ranges (positive: private, -100…: supergroup). */
function chatOf(raw: unknown): Record<string, unknown> {
  const id = Number(raw);
  if (id > 0) return { id, type: 'private', first_name: `user${id}` };
  if (id <= -1_000_000_000_000) return { id, type: 'supergroup', title: `supergroup ${id}` };
  return { id, type: 'group', title: `group ${id}` };
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const body = raw.toString('utf8');
  const type = req.headers['content-type'] ?? '';
  const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
  const params: Record<string, unknown> = Object.fromEntries(query);
  if (body.length === 0) return params;
  if (type.includes('application/json')) return { ...params, ...(JSON.parse(body) as Record<string, unknown>) };
  if (type.includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body)) params[k] = parseScalar(v);
    return params;
  }
  if (type.includes('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(type);
    const b = boundary?.[1] ?? boundary?.[2];
    if (!b) throw new Error('multipart without boundary');
    // Split the bytes, not a decoded string: an uploaded file (a PNG) must arrive byte for byte.
    const delimiter = Buffer.from(`--${b}`);
    for (let at = raw.indexOf(delimiter); at >= 0; ) {
      const next = raw.indexOf(delimiter, at + delimiter.length);
      if (next < 0) break;
      const part = raw.subarray(at + delimiter.length, next);
      at = next;
      const sep = part.indexOf('\r\n\r\n');
      if (sep < 0) continue;
      const head = part.subarray(0, sep).toString('utf8');
      const name = /name="([^"]+)"/.exec(head)?.[1];
      if (!name) continue;
      let value = part.subarray(sep + 4);
      if (value.subarray(-2).toString('latin1') === '\r\n') value = value.subarray(0, -2);
      const filename = /filename="([^"]*)"/.exec(head)?.[1];
      params[name] = filename !== undefined ? { filename, bytes: Buffer.from(value) } : parseScalar(value.toString('utf8'));
    }
    return params;
  }
  return { ...params, ...(JSON.parse(body) as Record<string, unknown>) };
}

/** Form values arrive as strings; JSON-looking ones (numbers, objects) are decoded like the real API does. */
function parseScalar(v: string): unknown {
  if (/^-?\d+$/.test(v)) return Number(v);
  if (/^[[{]/.test(v)) {
    try {
      return JSON.parse(v) as unknown;
    } catch {
      return v;
    }
  }
  return v;
}
