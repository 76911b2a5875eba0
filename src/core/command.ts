/** A command line split into its parts; `command` is lower-cased and `search` when none was typed. */
export interface CommandLine {
  command: string;
  botName: string | null;
  query: string;
}

// `/cmd`, `/cmd@BotName`, then the rest; commands are Latin letters, digits and underscores as Telegram allows, typed
// half- or full-width (`／ｄｉｓｔｒｉｃｔ`, from a Chinese keyboard in full-width mode), and folded to half-width.
// The rest may follow without a space when it starts with a non-Latin character (`/district潼南`, common with Chinese keyboards).
const WORD = '[A-Za-z0-9_\\uFF10-\\uFF19\\uFF21-\\uFF3A\\uFF3F\\uFF41-\\uFF5A]+';
const COMMAND_RE = new RegExp(`^[/／](${WORD})(?:[@＠](${WORD}))?(?:\\s+|$|(?=[^\\p{ASCII}\\p{Script=Latin}]))`, 'u');

/** Parse `/district 潼南`, `/district潼南`, `/district@SomeBot 潼南`, `／ｄｉｓｔｒｉｃｔ 潼南`, `潼南` (no command → search) into a command and query; unknown commands are reported, not thrown. */
export function parseCommandLine(text: string): CommandLine {
  const trimmed = text.trim();
  const m = COMMAND_RE.exec(trimmed);
  if (!m) return { command: 'search', botName: null, query: trimmed };
  const bot = m[2]?.normalize('NFKC');
  return { command: (m[1] ?? '').normalize('NFKC').toLowerCase(), botName: bot ?? null, query: trimmed.slice(m[0].length).trim() };
}
