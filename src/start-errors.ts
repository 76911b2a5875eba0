/**
 * What a start-up failure means for the operator, in one place: each message names the variable to change
 * and the values it takes. Values that may be secret (the token, a URL's credentials) are never printed.
 */
import { ListenError } from './bot/webhook.ts';
import { errorCode } from './bot/send.ts';

export interface StartContext {
  port: number;
  host: string;
  /** TELEGRAM_API_ROOT as configured, or null for Telegram's own. */
  apiRoot: string | null;
}

/** The host of an API root, without the credentials or path a URL may carry. */
function apiHost(apiRoot: string | null): string {
  if (!apiRoot) return 'api.telegram.org';
  try {
    return new URL(apiRoot).host;
  } catch {
    return 'the configured host';
  }
}

/** One sentence (or two) for a failure while starting the bot: listening on PORT/HOST or reaching the Bot API. */
export function explainStartFailure(err: unknown, ctx: StartContext): string {
  if (err instanceof ListenError) {
    const code = err.cause.code;
    if (code === 'EADDRINUSE') return `PORT ${ctx.port} is already in use on HOST ${ctx.host}: stop the program using it or set PORT to a free port (a whole number from 1 to 65535; 0 picks a free one).`;
    if (code === 'EACCES') return `PORT ${ctx.port} needs privileges this process does not have: set PORT to a port from 1024 to 65535 (and let the reverse proxy listen on 443).`;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') return `HOST ${ctx.host} cannot be resolved (${code}): set HOST to an address of this machine, e.g. 0.0.0.0 (all interfaces), 127.0.0.1 or ::.`;
    if (code === 'EADDRNOTAVAIL') return `HOST ${ctx.host} is not an address of this machine: set HOST to one of its addresses, e.g. 0.0.0.0 (all interfaces), 127.0.0.1 or ::.`;
    return `cannot listen on HOST ${ctx.host}, PORT ${ctx.port} (${code ?? err.cause.message}): check HOST (an address of this machine, e.g. 0.0.0.0) and PORT (1–65535).`;
  }
  const status = errorCode(err);
  if (status === 401) return 'Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): copy it again from @BotFather.';
  if (status === 404) {
    return ctx.apiRoot
      ? `the Bot API at TELEGRAM_API_ROOT (${apiHost(ctx.apiRoot)}) answered 404 Not Found: set TELEGRAM_API_ROOT to the root of a Bot API server (e.g. http://127.0.0.1:8081, without /bot<token>), or unset it to use Telegram's; or check TELEGRAM_BOT_TOKEN.`
      : 'Telegram answered 404 Not Found: check TELEGRAM_BOT_TOKEN (copy it again from @BotFather).';
  }
  if (status === 0) {
    const code = (err as { code?: unknown }).code;
    const why = typeof code === 'string' ? code : 'network error';
    return ctx.apiRoot
      ? `cannot reach the Bot API at TELEGRAM_API_ROOT (${apiHost(ctx.apiRoot)}): ${why}. Set TELEGRAM_API_ROOT to the http(s) URL of a running Bot API server, or unset it to use Telegram's.`
      : `cannot reach Telegram (api.telegram.org): ${why}. Check this machine's network, or set TELEGRAM_API_ROOT to a Bot API server it can reach.`;
  }
  return `could not start the bot: ${err instanceof Error ? err.message : String(err)}`;
}
