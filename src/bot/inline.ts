/**
 * Inline mode: `@ThisBot 潼南` in any chat lists results the user can post there. The query is read like a command
 * line (`/district 潼南`, `district 潼南`, a bare word goes to the command it most likely means), answered in pages
 * of 20 within Telegram's time limit, and never retried once the query has expired.
 */
import { Composer, type Context, type Telegram } from 'telegraf';
import type { InlineQueryResult, InlineQueryResultsButton } from 'telegraf/types';
import { classifyError } from '../api-errors.ts';
import type { Answer } from '../core/answer.ts';
import type { Engine } from '../core/engine.ts';
import type { Article, Report } from '../core/report.ts';
import type { Logger } from '../logger.ts';
import { code } from '../render/html.ts';
import {
  MAX_INLINE_QUERY_CHARS,
  noHitResult,
  noticeResult,
  parseOffset,
  resultPage,
  startingResults,
  type OnInvalidHtml,
  type StartingPoint,
} from '../render/inline.ts';
import { reportFacts, unknownHtml } from '../render/replies.ts';
import { truncate } from '../render/text.ts';
import { COMMANDS, type CommandSpec } from './commands.ts';
import { updateLog } from './context.ts';
import { encodeStartParameter } from './deep-link.ts';
import { dispatch } from './dispatch.ts';

type CallOptions = NonNullable<Parameters<Telegram['callApi']>[2]>;

export interface InlineOptions {
  /** Seconds Telegram may serve an answer from its cache: short, since the report can change (default 60). */
  cacheTimeS: number;
  /**
   * Milliseconds after the update arrived by which the answer must be in. Telegram drops a query about 10 s after
   * it was typed (then answers `query is too old`), so a request still out after this is abandoned (default 8 s).
   */
  deadlineMs: number;
  /** Answers that take longer than this are logged as slow (default 1 s). */
  slowMs: number;
  /** Results per page (default 20). */
  perPage: number;
  /** Most tries of one answer, each only while the deadline allows the wait before it (default 2). */
  attempts: number;
  /** Milliseconds, monotonic. */
  clock: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_INLINE: InlineOptions = Object.freeze({
  cacheTimeS: 60,
  deadlineMs: 8_000,
  slowMs: 1_000,
  perPage: 20,
  attempts: 2,
  clock: () => performance.now(),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
});

export interface InlineDeps {
  engine: Engine;
  report: Report;
  logger: Logger;
  commands?: readonly CommandSpec[];
  options?: Partial<InlineOptions>;
  /** More starting points for an empty query, put first (the /map picture once it has a file_id, src/bot/map.ts); a failure leaves them out. */
  extraStartingPoints?: () => Promise<InlineQueryResult[]>;
}

/** What to send for one inline query. */
export interface InlineAnswer {
  results: InlineQueryResult[];
  nextOffset: string;
  button?: InlineQueryResultsButton;
  /** For the log: the command that answered, and how many results the whole answer has. */
  command: string;
  total: number;
}

/** The label of the button that opens a private chat with the bot (shown above the results). */
const OPEN_BOT = '在私聊中打开机器人';

/**
 * The inline text as a command line: `district 潼南` and `district潼南` become `/district 潼南` when `district` is a
 * search command; anything else is left as it is (a bare word, or already `/district 潼南`).
 */
export function inlineCommandLine(text: string, commands: readonly CommandSpec[] = COMMANDS): string {
  const trimmed = text.trim();
  const m = /^([A-Za-z]+)(?:\s+|$|(?=[^\p{ASCII}]))/u.exec(trimmed);
  const name = m?.[1]?.toLowerCase();
  if (!m || !commands.some((c) => c.command === name && c.feature === 'search')) return trimmed;
  return `/${name} ${trimmed.slice(m[0].length)}`.trim();
}

/** Most results an inline answer pages through (a chat answer shows the engine's own cap, 20). */
const INLINE_MAX_RESULTS = 100;

/** Districts and topics offered for an empty query. */
const STARTING_DISTRICTS = 3;
const STARTING_TOPICS = 3;

/** Builds inline answers for one report; starting points are computed once. */
export function inlineAnswerer(deps: Pick<InlineDeps, 'engine' | 'report' | 'commands'> & { perPage?: number }) {
  const commands = deps.commands ?? COMMANDS;
  const articles = new Map(deps.report.articles.map((a) => [a.id, a]));
  const sectionArticle = new Map(deps.report.sections.map((s) => [s.id, s.articleId]));
  const articleOf = (sectionId: string): Article | undefined => articles.get(sectionArticle.get(sectionId) ?? '');
  let starting: InlineQueryResult[] | undefined;

  function startingPoints(onInvalid?: OnInvalidHtml): InlineQueryResult[] {
    if (starting) return starting;
    const facts = reportFacts(deps.report);
    const points: StartingPoint[] = [
      ...facts.districts.slice(0, STARTING_DISTRICTS).map((d) => ({ kind: '区县', label: d, answer: deps.engine.answer('district', d) })),
      ...facts.topics.slice(0, STARTING_TOPICS).map((t) => ({ kind: '主题', label: t, answer: deps.engine.answer('topic', t) })),
    ];
    starting = startingResults(points, deps.report, onInvalid);
    return starting;
  }

  function ofAnswer(answer: Answer, offset: number, again: string, onInvalid?: OnInvalidHtml): InlineAnswer {
    const base = { command: answer.command, total: answer.results.length };
    if (answer.results.length === 0) {
      if (offset > 0) return { ...base, results: [], nextOffset: '' };
      // One result that says so, and a way into the bot where the suggestions can be tapped: never an empty list.
      const start = answer.query ? encodeStartParameter(answer.command, answer.query) : 'inline';
      return { ...base, results: [noHitResult(answer, again, onInvalid)], nextOffset: '', button: { text: OPEN_BOT, start_parameter: start } };
    }
    const page = resultPage(answer, { offset, again, articleOf, ...(deps.perPage ? { perPage: deps.perPage } : {}), ...(onInvalid ? { onInvalid } : {}) });
    return { ...base, results: page.results, nextOffset: page.nextOffset };
  }

  /** The answer to inline text `text` at Telegram's `offset`; `onInvalid` hears about HTML sent as plain text instead. */
  return function answerInline(text: string, offset: string, onInvalid?: OnInvalidHtml): InlineAnswer {
    const again = truncate(text.trim(), MAX_INLINE_QUERY_CHARS);
    const first = parseOffset(offset);
    const reply = dispatch(inlineCommandLine(text, commands), deps.engine, commands, { guess: true, maxResults: INLINE_MAX_RESULTS });
    switch (reply.kind) {
      case 'answer':
        return ofAnswer(reply.answer, first, again, onInvalid);
      case 'start':
      case 'help':
      case 'about': {
        const results = first > 0 ? [] : startingPoints(onInvalid);
        return { command: 'start', total: results.length, results, nextOffset: '' };
      }
      case 'unknown': {
        const html = unknownHtml(reply.command, reply.suggestion);
        return { command: 'unknown', total: 0, results: first > 0 ? [] : [noticeResult('unknown', `不认识的命令 /${reply.command}`, '试试 区县、主题、人物或数字', html, '', onInvalid)], nextOffset: '' };
      }
      case 'elsewhere': {
        // /subscribe and the like change a chat's settings: they need a chat with the bot, not a posted message.
        const html = `${code(`/${reply.spec.command}`)} 请在与机器人的私聊或群组中发送。`;
        return {
          command: reply.spec.command,
          total: 0,
          results: first > 0 ? [] : [noticeResult('elsewhere', `/${reply.spec.command} 请在私聊中使用`, reply.spec.zh, html, '', onInvalid)],
          nextOffset: '',
          button: { text: OPEN_BOT, start_parameter: 'inline' },
        };
      }
    }
  };
}

/** The inline feature as a Composer; mount it after the shared middleware (inline flood control is in bot.ts). */
export function inlineComposer(deps: InlineDeps): Composer<Context> {
  const opts: InlineOptions = { ...DEFAULT_INLINE, ...deps.options };
  const composer = new Composer<Context>();
  // One answerer per report in service: a living report swaps report and engine, and the starting points follow.
  let built: { report: Report; answer: ReturnType<typeof inlineAnswerer> } | null = null;
  const answerInline: ReturnType<typeof inlineAnswerer> = (...args) => {
    const report = deps.report;
    if (built?.report !== report) built = { report, answer: inlineAnswerer({ engine: deps.engine, report, commands: deps.commands, perPage: opts.perPage }) };
    return built.answer(...args);
  };

  composer.on('inline_query', async (ctx) => {
    const started = opts.clock();
    const updateId = ctx.update.update_id;
    const query = ctx.inlineQuery;
    const answer = answerInline(query.query, query.offset, (problems) => {
      deps.logger.warn({ update_id: updateId, problems: problems.slice(0, 5) }, 'inline result is not valid Telegram HTML; posting plain text');
    });
    const log = updateLog(ctx);
    log.command = `inline ${answer.command}`;
    let sent = answer;
    if (answer.command === 'start' && answer.results.length > 0 && deps.extraStartingPoints) {
      const extra = await deps.extraStartingPoints().catch((err: unknown) => {
        deps.logger.warn({ update_id: updateId, err }, 'extra inline starting points failed; left out');
        return [];
      });
      sent = { ...answer, results: [...extra, ...answer.results], total: answer.total + extra.length };
    }
    log.results = sent.total;
    await sendInlineAnswer(ctx.telegram, query.id, sent, { ...opts, started, updateId, logger: deps.logger });
  });

  return composer;
}

/**
 * Send an inline answer before the query expires. A 429 or server error is tried again only when the wait still
 * ends before the deadline; a request still out at the deadline is abandoned. Failures are logged, never thrown:
 * nobody is left to tell, and the user simply types on.
 */
export async function sendInlineAnswer(
  telegram: Telegram,
  inlineQueryId: string,
  answer: Pick<InlineAnswer, 'results' | 'nextOffset' | 'button'>,
  opts: Pick<InlineOptions, 'cacheTimeS' | 'deadlineMs' | 'slowMs' | 'attempts' | 'clock' | 'sleep'> & { started: number; updateId: number; logger: Logger; personal?: boolean },
): Promise<boolean> {
  const params = {
    inline_query_id: inlineQueryId,
    results: answer.results,
    cache_time: opts.cacheTimeS,
    // The same text gets the same answer for everyone, so Telegram may share the cached answer.
    is_personal: opts.personal ?? false,
    next_offset: answer.nextOffset,
    ...(answer.button ? { button: answer.button } : {}),
  };
  const elapsed = () => Math.round(opts.clock() - opts.started);
  for (let attempt = 1; ; attempt++) {
    const left = opts.deadlineMs - elapsed();
    if (left <= 0) {
      opts.logger.warn({ update_id: opts.updateId, ms: elapsed(), attempt }, 'inline answer not sent: the query has expired');
      return false;
    }
    const signal = AbortSignal.timeout(left);
    try {
      // telegraf types the signal with the abort-controller polyfill; node-fetch accepts the native one.
      await telegram.callApi('answerInlineQuery', params, { signal: signal as unknown as CallOptions['signal'] });
      const ms = elapsed();
      if (ms > opts.slowMs) opts.logger.warn({ update_id: opts.updateId, ms, attempt }, 'slow inline answer');
      return true;
    } catch (err) {
      const failure = classifyError(err);
      const wait = failure.kind === 'retry_after' ? failure.ms : failure.kind === 'transient' ? 200 : null;
      const fits = wait !== null && !signal.aborted && attempt < opts.attempts && elapsed() + wait < opts.deadlineMs;
      if (!fits) {
        const why = signal.aborted ? 'no answer from Telegram before the query expired' : failure.reason;
        opts.logger.warn({ update_id: opts.updateId, ms: elapsed(), attempt, reason: why }, 'inline answer failed; not retried');
        return false;
      }
      opts.logger.info({ update_id: opts.updateId, reason: failure.reason, wait }, 'inline answer failed; retrying within the deadline');
      await opts.sleep(wait);
    }
  }
}
