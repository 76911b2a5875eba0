import { z } from 'zod';
import { formatPath } from './core/report.ts';
import { isValidTimeZone, parseTimeOfDay } from './core/digest.ts';
import { marginFor } from './digest/rate-limiter.ts';

// `.env` files often hold `KEY=` for "unset": treat blank values as absent.
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8081' });

// Plain decimal digits only: Number() would also take `1e3`, `0x10` or `Infinity`, which nobody means as a port or a rate.
const PORT_RANGE = 'must be a whole number from 0 to 65535 (0 picks a free port)';
const port = z.string({ error: PORT_RANGE }).trim().regex(/^\d{1,5}$/, PORT_RANGE).transform(Number).refine((n) => n <= 65535, PORT_RANGE);
const rate = (example: number) => {
  const message = `must be a number greater than 0, such as ${example}`;
  return z.string({ error: message }).trim().regex(/^\d+(\.\d+)?$/, message).transform(Number).refine((n) => n > 0, message);
};
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every environment variable the bot reads; blank values count as unset. */
export const EnvSchema = z
  .object({
    /** From @BotFather; without it the bot runs as a terminal chat. */
    TELEGRAM_BOT_TOKEN: optional(z.string().trim().regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456:ABC-DEF… (copy it from @BotFather, without quotes or spaces)')),
    /** A self-hosted Bot API server or an emulator, e.g. `http://127.0.0.1:8081`. */
    TELEGRAM_API_ROOT: optional(httpUrl),
    /** Public https URL Telegram posts updates to; set it to switch from long polling to a webhook (http only with TELEGRAM_API_ROOT). */
    WEBHOOK_URL: optional(z.url({ protocol: /^https?$/, error: 'must be a URL such as https://bot.example.org/telegram' })),
    /** Checked on every webhook request (Telegram sends it as X-Telegram-Bot-Api-Secret-Token). */
    WEBHOOK_SECRET: optional(z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16–256 characters of A-Z, a-z, 0-9, _ and -')),
    /** Port of the webhook server (and /healthz). */
    PORT: optional(port).default(8080),
    /** Interface the webhook server binds. */
    HOST: optional(z.string()).default('0.0.0.0'),
    LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })).default('info'),
    /** Writable directory for state (subscriptions database). */
    DATA_DIR: optional(z.string()).default('./var/'),
    /** The report the bot answers from (built by `npm run ingest`). */
    REPORT_PATH: optional(z.string()).default('data/report.json'),
    /** Digest time for `/subscribe` without a time, `HH:MM` in DIGEST_TIMEZONE. */
    DIGEST_TIME: optional(z.string().refine((v) => parseTimeOfDay(v) !== null, 'must be a time such as 08:00')).default('08:00'),
    /** Time zone subscription times are read in. */
    DIGEST_TIMEZONE: optional(z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Shanghai')).default('Asia/Shanghai'),
    /** Broadcast limits (Telegram's: 30 messages/s overall, 1/s per chat, 20/min per group). */
    BROADCAST_PER_SECOND: optional(rate(30)).default(30),
    BROADCAST_PER_CHAT_PER_SECOND: optional(rate(1)).default(1),
    BROADCAST_PER_GROUP_PER_MINUTE: optional(rate(20)).default(20),
    /** Send digests as Telegram's paid broadcasts (`allow_paid_broadcast`), so BROADCAST_PER_SECOND may go up to 1,000. */
    BROADCAST_PAID: optional(z.stringbool({ error: 'must be true or false' })).default(false),
    /** PostgreSQL shared by several instances (`postgres://user:password@host:5432/db`); unset: SQLite in DATA_DIR. */
    // Admins' /add shows a preview with 发布 / 取消 first; false publishes at once.
    ADD_NEEDS_PREVIEW: optional(z.stringbool({ error: 'must be true or false' })).default(true),
    DATABASE_URL: optional(z.string().trim().regex(/^postgres(ql)?:\/\/\S+$/, 'must be a PostgreSQL URL such as postgres://bot:secret@127.0.0.1:5432/reportbot')),
    /** Telegram user ids (comma-separated) allowed to add articles through the bot and to use /stats. */
    BOT_ADMINS: optional(
      z
        .string()
        .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean))
        .pipe(z.array(z.string().regex(/^[1-9]\d{0,15}$/, 'must be comma-separated Telegram user ids (positive whole numbers), such as 12345678,87654321').transform(Number))),
    ).default([]),
  })
  .superRefine((env, ctx) => {
    if (env.WEBHOOK_URL && !env.TELEGRAM_BOT_TOKEN) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_BOT_TOKEN'], message: 'is required when WEBHOOK_URL is set' });
    }
    // Telegram posts updates only to https; a self-hosted Bot API server (`--local`) may post to http.
    if (env.WEBHOOK_URL && !env.TELEGRAM_API_ROOT && new URL(env.WEBHOOK_URL).protocol !== 'https:') {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_URL'], message: 'must be an https URL (Telegram delivers updates only over https; put the bot behind a TLS reverse proxy), e.g. https://bot.example.org/telegram' });
    }
    if (env.WEBHOOK_URL && !env.WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET'], message: 'is required when WEBHOOK_URL is set (e.g. `openssl rand -hex 32`)' });
    }
  });

export type Env = z.output<typeof EnvSchema>;

/** The parsed configuration, frozen; main.ts reads the environment once and passes this down. */
export interface Config {
  readonly token: string | null;
  readonly apiRoot: string | null;
  readonly webhook: { readonly url: string; readonly secret: string; readonly path: string } | null;
  readonly port: number;
  readonly host: string;
  /** Long polling with PORT set: serve /metrics and /healthz on HOST:PORT too (webhook mode always does). */
  readonly opsServer: boolean;
  /** PostgreSQL connection string (DATABASE_URL), or null for SQLite in DATA_DIR. Holds a password: never log it. */
  readonly databaseUrl: string | null;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly dataDir: string;
  readonly reportPath: string;
  /** Telegram user ids that may add articles and use /stats (BOT_ADMINS); empty: nobody. */
  readonly botAdmins: readonly number[];
  /** An admin's /add is shown as a preview with 发布 / 取消 before it is published (ADD_NEEDS_PREVIEW). */
  readonly addNeedsPreview: boolean;
  /** Daily digests: default time (minutes after midnight), time zone, broadcast rate limits. */
  readonly digest: {
    readonly defaultMinutes: number;
    readonly timezone: string;
    readonly limits: { readonly globalPerSecond: number; readonly perChatPerSecond: number; readonly perGroupPerMinute: number; readonly marginMs: number };
    /** Send with `allow_paid_broadcast` (charged in Stars above 30 messages a second). */
    readonly paidBroadcast: boolean;
  };
}

/** Thrown for a bad environment; the message names every bad variable and how to fix it. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}\nSee .env.example for every variable.`);
    this.name = 'ConfigError';
  }
}

/** Parse environment variables (e.g. `process.env`) into a frozen Config; throws ConfigError naming each bad variable. */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const result = EnvSchema.safeParse(env);
  if (!result.success) {
    // Never echo the values: a mistyped token is still a secret.
    throw new ConfigError(result.error.issues.map((i) => `${formatPath(i.path)} ${i.message}`));
  }
  const e = result.data;
  const webhook = e.WEBHOOK_URL && e.WEBHOOK_SECRET
    ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET, path: new URL(e.WEBHOOK_URL).pathname || '/' }
    : null;
  return Object.freeze({
    token: e.TELEGRAM_BOT_TOKEN ?? null,
    // telegraf resolves `./bot<token>/<method>` against the root, so a path prefix needs its trailing slash.
    apiRoot: e.TELEGRAM_API_ROOT ? `${e.TELEGRAM_API_ROOT.replace(/\/+$/, '')}/` : null,
    webhook: webhook && Object.freeze(webhook),
    port: e.PORT,
    host: e.HOST,
    // In polling mode nothing listens unless the operator asked for a port: no surprise open port on upgrade.
    opsServer: webhook !== null || (env.PORT ?? '').trim() !== '',
    databaseUrl: e.DATABASE_URL ?? null,
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    reportPath: e.REPORT_PATH,
    botAdmins: Object.freeze([...e.BOT_ADMINS]),
    addNeedsPreview: e.ADD_NEEDS_PREVIEW,
    digest: Object.freeze({
      defaultMinutes: parseTimeOfDay(e.DIGEST_TIME) ?? 480,
      timezone: e.DIGEST_TIMEZONE,
      // A small margin for timer granularity and network jitter (see RateLimiter for what is counted when).
      limits: Object.freeze({ globalPerSecond: e.BROADCAST_PER_SECOND, perChatPerSecond: e.BROADCAST_PER_CHAT_PER_SECOND, perGroupPerMinute: e.BROADCAST_PER_GROUP_PER_MINUTE, marginMs: marginFor(e.BROADCAST_PER_SECOND) }),
      paidBroadcast: e.BROADCAST_PAID,
    }),
  });
}
