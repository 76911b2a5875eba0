import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

// Bot tokens look like `123456789:AA…`; they appear in request URLs (`/bot<token>/sendMessage`) inside network errors.
const TOKEN_LIKE = /\d{3,}:[A-Za-z0-9_-]{20,}/g;

/** Replace the token (and anything shaped like a bot token) in `text` with `<redacted>`. */
export function redact(text: string, token: string | null): string {
  let out = token ? text.split(token).join('<redacted>') : text;
  out = out.replace(TOKEN_LIKE, '<redacted>');
  return out;
}

export interface LoggerOptions {
  level: string;
  /** Redacted from every line written. */
  token: string | null;
  /** Where lines go (default stdout); tests pass a stream to read them. */
  destination?: DestinationStream;
  /** File descriptor written when no destination is given (default 1, stdout; the terminal chat uses 2). */
  fd?: 1 | 2;
}

/** A pino logger that never writes the bot token, whatever object is logged. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: undefined,
      // Redacting the serialised line catches the token in error messages, stacks and nested payloads alike.
      hooks: { streamWrite: (line) => redact(line, options.token) },
    },
    options.destination ?? pino.destination(options.fd ?? 1),
  );
}
