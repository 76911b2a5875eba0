/**
 * The fields of each update type the bot's handlers read, checked before any handler runs: an update with one of
 * them missing or of the wrong type is logged and dropped (never a crash, never an error message posted into a
 * chat nobody asked). Objects stay loose: Telegram adds fields, and the handlers ignore those.
 */
import type { Context, MiddlewareFn } from 'telegraf';
import { z } from 'zod';
import type { Logger } from '../logger.ts';
import { updateLog } from './context.ts';

const Id = z.number().int().refine(Number.isSafeInteger, 'not a safe integer');
const UserShape = z.looseObject({ id: Id, is_bot: z.boolean().optional(), first_name: z.string().optional(), username: z.string().optional(), language_code: z.string().optional() });
const ChatShape = z.looseObject({ id: Id, type: z.enum(['private', 'group', 'supergroup', 'channel']), title: z.string().optional(), is_forum: z.boolean().optional() });
/** A message as the gate, the features and chat migration read it. */
const MessageShape = z.looseObject({
  message_id: z.number().int(),
  date: z.number().optional(),
  chat: ChatShape,
  from: UserShape.optional(),
  sender_chat: ChatShape.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  message_thread_id: z.number().int().optional(),
  is_topic_message: z.boolean().optional(),
  via_bot: UserShape.optional(),
  reply_to_message: z.looseObject({ message_id: z.number().int(), from: UserShape.optional(), chat: ChatShape.optional() }).optional(),
  migrate_to_chat_id: Id.optional(),
  migrate_from_chat_id: Id.optional(),
});
/** In a group or private chat Telegram always names the sender (channels' posts have none). */
const PersonMessageShape = MessageShape.extend({ from: UserShape });
const MemberShape = z.looseObject({ status: z.string(), user: UserShape });
const ChatMemberUpdatedShape = z.looseObject({ chat: ChatShape, from: UserShape, date: z.number().optional(), old_chat_member: MemberShape, new_chat_member: MemberShape });

/** Each update type the bot handles, by its key in the update. Types not listed reach no handler that reads them. */
const SHAPES = {
  message: PersonMessageShape,
  edited_message: PersonMessageShape,
  channel_post: MessageShape,
  edited_channel_post: MessageShape,
  callback_query: z.looseObject({
    id: z.string(),
    from: UserShape,
    data: z.string().optional(),
    chat_instance: z.string().optional(),
    inline_message_id: z.string().optional(),
    message: z.looseObject({ message_id: z.number().int(), chat: ChatShape }).optional(),
  }),
  inline_query: z.looseObject({ id: z.string(), from: UserShape, query: z.string(), offset: z.string(), chat_type: z.string().optional() }),
  my_chat_member: ChatMemberUpdatedShape,
  chat_member: ChatMemberUpdatedShape,
} as const;

type Shaped = keyof typeof SHAPES;

/** What is wrong with `update` (`message.chat.id: expected number`), or null when the handlers can read it. */
export function malformed(update: unknown): string | null {
  if (typeof update !== 'object' || update === null) return 'not an object';
  const id = (update as { update_id?: unknown }).update_id;
  if (typeof id !== 'number' || !Number.isInteger(id)) return 'update_id: not an integer';
  for (const key of Object.keys(SHAPES) as Shaped[]) {
    if (!(key in update)) continue;
    const parsed = SHAPES[key].safeParse((update as Record<string, unknown>)[key]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return `${[key, ...(issue?.path ?? []).map(String)].join('.')}: ${issue?.message ?? 'invalid'}`;
    }
  }
  return null;
}

/** Middleware, right after the error boundary: drops malformed updates with one warning naming the field (not its content). */
export function wellFormed(logger: Logger): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const problem = malformed(ctx.update);
    if (problem === null) return next();
    updateLog(ctx).ignored = 'malformed';
    logger.warn({ update_id: (ctx.update as { update_id?: unknown }).update_id, problem }, 'malformed update dropped');
  };
}
