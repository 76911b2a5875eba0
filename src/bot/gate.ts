/**
 * Decides whether a message is for this bot. Private chats: always. Groups: `/cmd` (for a command the bot has),
 * `/cmd@ThisBot`, `@ThisBot …` and replies to the bot's messages; `/cmd@OtherBot`, `/cmd` the bot lacks,
 * ordinary chatter and results posted through the bot's inline mode are ignored, before flood control counts anything.
 */
import type { Context, MiddlewareFn } from 'telegraf';
import type { Message } from 'telegraf/types';
import { parseCommandLine } from '../core/command.ts';
import { COMMANDS, findCommand, type CommandSpec } from './commands.ts';
import { setAddressed, updateLog, type Addressed } from './context.ts';

export interface Me {
  id: number;
  username: string;
}

// `/cmd@Name`, half- or full-width (`／ｃｍｄ＠Ｎａｍｅ`, folded before comparing).
const COMMAND_SUFFIX = /^\s*[/／][A-Za-z0-9_\uFF10-\uFF19\uFF21-\uFF3A\uFF3F\uFF41-\uFF5A]+[@＠]([A-Za-z0-9_\uFF10-\uFF19\uFF21-\uFF3A\uFF3F\uFF41-\uFF5A]+)/u;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The text meant for `me` in `message`, or null when the message is not for this bot. */
export function addressedText(message: Message.TextMessage, me: Me, commands: readonly CommandSpec[] = COMMANDS): Addressed | null {
  // A result someone posted through inline mode (`@ThisBot 潼南`) is our own answer, not a question, even in a private chat.
  if (message.via_bot?.id === me.id) return null;
  const text = message.text;
  const isPrivate = message.chat.type === 'private';
  const suffix = COMMAND_SUFFIX.exec(text)?.[1]?.normalize('NFKC');
  if (suffix !== undefined) {
    return suffix.toLowerCase() === me.username.toLowerCase() ? { text, explicit: true } : null;
  }
  const mention = new RegExp(`(^|[^A-Za-z0-9_])@${escapeRegExp(me.username)}(?![A-Za-z0-9_])`, 'i');
  if (mention.test(text)) {
    const stripped = text.replace(new RegExp(mention.source, 'gi'), '$1').replace(/\s{2,}/g, ' ').trim();
    return { text: stripped, explicit: true };
  }
  if (isPrivate) return { text, explicit: true };
  if (message.reply_to_message?.from?.id === me.id) {
    // `好的` in reply to the bot is conversation, not a question: answered only if the search finds it exactly.
    return /^\s*[/／]/.test(text) ? { text, explicit: true } : { text, explicit: true, onlyIfFound: true };
  }
  // A bare `/cmd` in a group may be for another bot: ours only if we have that command.
  if (/^\s*[/／]/.test(text) && findCommand(parseCommandLine(text).command, commands)) return { text, explicit: false };
  return null;
}

/** Middleware: lets through messages meant for the bot (storing their text) and non-message updates; drops the rest. */
export function gate(commands: readonly CommandSpec[] = COMMANDS): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const message = ctx.message;
    if (!message) return next();
    if (!('text' in message)) {
      // In a private chat a photo's caption is read as text; a sticker or voice message gets the greeting
      // (what the bot can do), never silence. In groups anything without text is chatter.
      if (message.chat.type === 'private') {
        setAddressed(ctx, { text: 'caption' in message && typeof message.caption === 'string' ? message.caption : '', explicit: true });
        return next();
      }
      updateLog(ctx).ignored = 'not text';
      return;
    }
    const me = ctx.botInfo;
    const result = addressedText(message, { id: me.id, username: me.username }, commands);
    if (!result) {
      updateLog(ctx).ignored = 'not for this bot';
      return;
    }
    setAddressed(ctx, result);
    return next();
  };
}
