import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redact } from '../src/logger.ts';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('the logger', () => {
  it('never writes the token, even inside an error message, stack or nested field', () => {
    const lines: string[] = [];
    const destination = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const logger = createLogger({ level: 'info', token: TOKEN, destination });
    const err = new Error(`request to https://api.telegram.org/bot${TOKEN}/sendMessage failed`);
    logger.error({ err, update_id: 7, url: `https://api.telegram.org/bot${TOKEN}/getMe` }, 'send failed');
    const out = lines.join('');
    expect(out).toContain('"update_id":7');
    expect(out).toContain('bot<redacted>/sendMessage');
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw');
  });

  it('redacts anything shaped like a bot token, not only the configured one', () => {
    expect(redact('bot987654321:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/x', null)).toBe('bot<redacted>/x');
  });
});
