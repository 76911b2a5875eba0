/**
 * Deep links that open the bot on an answer: `t.me/ThisBot?start=district-5r285Y2X` arrives as `/start district-5r285Y2X`.
 * Telegram allows 1–64 characters of `A-Z a-z 0-9 _ -` in a start parameter, so the query travels as base64url UTF-8.
 */
import { z } from 'zod';
import { SearchCommandSchema, type SearchCommand } from '../core/answer.ts';
import { graphemes } from '../core/graphemes.ts';

/** Telegram's limit on a start parameter. */
export const MAX_START_PARAMETER = 64;

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The start parameter that opens `command` on `query`, e.g. `district-5r285Y2X` for 潼南; a long query is cut (by grapheme) to fit. */
export function encodeStartParameter(command: SearchCommand, query: string): string {
  const room = Math.floor(((MAX_START_PARAMETER - command.length - 1) * 3) / 4);
  let kept = '';
  for (const { segment } of graphemes(query.trim())) {
    if (Buffer.byteLength(kept + segment) > room) break;
    kept += segment;
  }
  return `${command}-${Buffer.from(kept, 'utf8').toString('base64url')}`;
}

/** A start parameter read back into a command and query; anything else (a forged or foreign parameter) fails to parse. */
export const StartParameterSchema = z
  .string()
  .max(MAX_START_PARAMETER)
  .regex(/^[a-z]+-[A-Za-z0-9_-]+$/)
  .transform((param, ctx) => {
    const dash = param.indexOf('-');
    const command = SearchCommandSchema.safeParse(param.slice(0, dash));
    const encoded = param.slice(dash + 1);
    let query = '';
    try {
      const bytes = Buffer.from(encoded, 'base64url');
      // Only the canonical encoding of valid UTF-8: base64 has several spellings of the same bytes.
      if (bytes.toString('base64url') === encoded) query = STRICT_UTF8.decode(bytes).trim();
    } catch {
      query = '';
    }
    if (!command.success || query === '') {
      ctx.addIssue({ code: 'custom', message: 'not a deep link to an answer' });
      return z.NEVER;
    }
    return { command: command.data, query };
  });

/** The command and query behind a start parameter, or null when it is not one of ours. */
export function decodeStartParameter(param: string): { command: SearchCommand; query: string } | null {
  const parsed = StartParameterSchema.safeParse(param.trim());
  return parsed.success ? parsed.data : null;
}
