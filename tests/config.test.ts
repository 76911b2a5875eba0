import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.ts';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

function problems(env: Record<string, string>): string {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('runs as a terminal chat with defaults when nothing is set', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ token: null, apiRoot: null, webhook: null, port: 8080, logLevel: 'info', dataDir: './var/', reportPath: 'data/report.json' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats blank values from a copied .env.example as unset', () => {
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: '', WEBHOOK_URL: '  ', PORT: '' })).toMatchObject({ token: null, webhook: null, port: 8080 });
  });

  it('reads the token, a self-hosted API root (keeping its path prefix) and the paths', () => {
    const config = parseConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/tg', DATA_DIR: '/srv/bot', REPORT_PATH: 'x/r.json', LOG_LEVEL: 'debug' });
    expect(config).toMatchObject({ token: TOKEN, dataDir: '/srv/bot', reportPath: 'x/r.json', logLevel: 'debug' });
    expect(new URL(`./bot${TOKEN}/getMe`, config.apiRoot!).href).toBe(`http://127.0.0.1:8081/tg/bot${TOKEN}/getMe`);
  });

  it('names a malformed token without echoing it', () => {
    const message = problems({ TELEGRAM_BOT_TOKEN: '"123:abc def"' });
    expect(message).toContain('TELEGRAM_BOT_TOKEN');
    expect(message).not.toContain('abc def');
  });

  it('names each bad variable: API root, port, log level', () => {
    const message = problems({ TELEGRAM_API_ROOT: 'not a url', PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(message).toContain('TELEGRAM_API_ROOT');
    expect(message).toContain('PORT');
    expect(message).toContain('LOG_LEVEL');
  });

  it('says which values a number variable takes when it is out of range or not whole', () => {
    expect(problems({ PORT: '70000' })).toContain('PORT must be a whole number from 0 to 65535');
    expect(problems({ PORT: '1.5' })).toContain('PORT must be a whole number from 0 to 65535');
    expect(problems({ PORT: '0x10' })).toContain('PORT must be a whole number from 0 to 65535');
    expect(problems({ BROADCAST_PER_SECOND: '0' })).toContain('BROADCAST_PER_SECOND must be a number greater than 0');
    expect(problems({ BROADCAST_PER_GROUP_PER_MINUTE: 'lots' })).toContain('BROADCAST_PER_GROUP_PER_MINUTE must be a number greater than 0');
  });

  it('lists the allowed log levels instead of raw validation text', () => {
    const message = problems({ LOG_LEVEL: 'bogus' });
    expect(message).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
    expect(message).not.toContain('Invalid option');
  });

  it('switches to a webhook when WEBHOOK_URL is set, serving at the URL path', () => {
    const config = parseConfig({ TELEGRAM_BOT_TOKEN: TOKEN, WEBHOOK_URL: 'https://bot.example.org/tg/hook', WEBHOOK_SECRET: 'a'.repeat(32), PORT: '3000' });
    expect(config.webhook).toEqual({ url: 'https://bot.example.org/tg/hook', secret: 'a'.repeat(32), path: '/tg/hook' });
    expect(config.port).toBe(3000);
  });

  it('refuses an http:// WEBHOOK_URL for Telegram, which only posts to https', () => {
    const message = problems({ TELEGRAM_BOT_TOKEN: TOKEN, WEBHOOK_URL: 'http://bot.example.org/tg/hook', WEBHOOK_SECRET: 'a'.repeat(32) });
    expect(message).toContain('WEBHOOK_URL must be an https URL');
  });

  it('accepts an http:// WEBHOOK_URL with a self-hosted Bot API server (TELEGRAM_API_ROOT), which may post over http', () => {
    const config = parseConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081', WEBHOOK_URL: 'http://127.0.0.1:3000/hook', WEBHOOK_SECRET: 'a'.repeat(32) });
    expect(config.webhook?.url).toBe('http://127.0.0.1:3000/hook');
  });

  it('refuses a webhook without a secret or without a token', () => {
    expect(problems({ TELEGRAM_BOT_TOKEN: TOKEN, WEBHOOK_URL: 'https://bot.example.org/' })).toContain('WEBHOOK_SECRET is required when WEBHOOK_URL is set');
    expect(problems({ WEBHOOK_URL: 'https://bot.example.org/', WEBHOOK_SECRET: 'b'.repeat(20) })).toContain('TELEGRAM_BOT_TOKEN is required');
    expect(problems({ TELEGRAM_BOT_TOKEN: TOKEN, WEBHOOK_URL: 'https://bot.example.org/', WEBHOOK_SECRET: 'short' })).toContain('WEBHOOK_SECRET');
  });
});

describe('BROADCAST_PAID', () => {
  it('is off unless set, reads true/false, and names itself when it is neither', () => {
    expect(parseConfig({}).digest.paidBroadcast).toBe(false);
    expect(parseConfig({ BROADCAST_PAID: 'true', BROADCAST_PER_SECOND: '1000' }).digest).toMatchObject({ paidBroadcast: true, limits: { globalPerSecond: 1000 } });
    expect(parseConfig({ BROADCAST_PAID: 'false' }).digest.paidBroadcast).toBe(false);
    expect(problems({ BROADCAST_PAID: 'maybe' })).toContain('BROADCAST_PAID must be true or false');
  });

  it('leaves more room for the network’s jitter at a paid rate, where any 1,001 arrivals within a second are over', () => {
    expect(parseConfig({}).digest.limits.marginMs).toBe(10);
    expect(parseConfig({ BROADCAST_PER_SECOND: '100' }).digest.limits.marginMs).toBe(10);
    expect(parseConfig({ BROADCAST_PAID: 'true', BROADCAST_PER_SECOND: '101' }).digest.limits.marginMs).toBe(30);
    expect(parseConfig({ BROADCAST_PAID: 'true', BROADCAST_PER_SECOND: '1000' }).digest.limits.marginMs).toBe(30);
  });
});

describe('parseConfig: several instances and operators', () => {
  it('uses SQLite (no DATABASE_URL) and has no admins by default', () => {
    expect(parseConfig({})).toMatchObject({ databaseUrl: null, botAdmins: [] });
  });

  it('reads a PostgreSQL DATABASE_URL and refuses anything else without echoing it', () => {
    expect(parseConfig({ DATABASE_URL: 'postgres://bot:pw@db:5432/reportbot' }).databaseUrl).toBe('postgres://bot:pw@db:5432/reportbot');
    expect(parseConfig({ DATABASE_URL: 'postgresql://db/reportbot' }).databaseUrl).toBe('postgresql://db/reportbot');
    const message = problems({ DATABASE_URL: 'mysql://bot:hunter2@db/x' });
    expect(message).toContain('DATABASE_URL must be a PostgreSQL URL');
    expect(message).not.toContain('hunter2');
  });

  it('reads BOT_ADMINS as positive user ids, frozen, and names a bad list', () => {
    const config = parseConfig({ BOT_ADMINS: ' 12345678, 87654321 ,' });
    expect(config.botAdmins).toEqual([12345678, 87654321]);
    expect(Object.isFrozen(config.botAdmins)).toBe(true);
    for (const bad of ['abc', '-5', '1.5', '0', '99999999999999999999']) expect(problems({ BOT_ADMINS: bad })).toMatch(/BOT_ADMINS.*must be comma-separated Telegram user ids/);
  });

  it('serves /metrics in polling mode only when PORT is set; always with a webhook', () => {
    expect(parseConfig({}).opsServer).toBe(false);
    expect(parseConfig({ PORT: '9100' }).opsServer).toBe(true);
    expect(parseConfig({ TELEGRAM_BOT_TOKEN: TOKEN, WEBHOOK_URL: 'https://x.example/t', WEBHOOK_SECRET: 'a'.repeat(20) }).opsServer).toBe(true);
  });
});
