import type { Context } from 'telegraf';

/** What one update did, collected by handlers and written as one log line per update. */
export interface UpdateLog {
  command?: string;
  results?: number;
  pages?: number;
  /** Why the update got no answer (chatter, other bot, flood…). */
  ignored?: string;
}

/** The message text meant for this bot, with any @mention removed; set by the gate. */
export interface Addressed {
  text: string;
  /** The user named this bot (`/cmd@ThisBot`, `@ThisBot …`, a reply to it) or wrote in a private chat. */
  explicit: boolean;
  /** A reply to the bot in a group that is not a command (often just `好的`): answer only a search with exact hits, else stay silent. */
  onlyIfFound?: boolean;
}

/** This update's log record (created on first use). */
export function updateLog(ctx: Context): UpdateLog {
  const state = ctx.state as { log?: UpdateLog };
  state.log ??= {};
  return state.log;
}

/** The addressed text the gate stored, or undefined when the update is not a message for us. */
export function addressed(ctx: Context): Addressed | undefined {
  return (ctx.state as { addressed?: Addressed }).addressed;
}

/** Store what the gate decided. */
export function setAddressed(ctx: Context, value: Addressed): void {
  (ctx.state as { addressed?: Addressed }).addressed = value;
}

/** Asks flood control, once a feature has decided to answer, whether the user may have that answer now (and counts it). */
export type Admit = () => Promise<boolean>;

/** True when the message may be answered; flood control defers its count to this call for `onlyIfFound` messages, and has already counted the others. */
export function admit(ctx: Context): Promise<boolean> {
  const check = (ctx.state as { admit?: Admit }).admit;
  return check ? check() : Promise.resolve(true);
}

/** Store flood control's deferred check. */
export function setAdmit(ctx: Context, check: Admit): void {
  (ctx.state as { admit?: Admit }).admit = check;
}
