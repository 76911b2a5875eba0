/**
 * The one list of bot commands. It feeds /help, the /start examples and `setMyCommands`
 * (default English descriptions and `zh`). A feature adds its commands here.
 */

export interface CommandSpec {
  /** Without the slash; Telegram allows a-z, 0-9 and _. */
  command: string;
  /** For `setMyCommands` in the default language. */
  description: string;
  /** For `setMyCommands` with `language_code: 'zh'`, and /help. */
  zh: string;
  /** A full example line, shown in /help. */
  usage: string;
  /** Which part of the bot answers it: `search` and `info` are answered by src/bot/search.ts, `living` by src/bot/living.ts, `map` by src/bot/map.ts. */
  feature: 'info' | 'search' | 'digest' | 'living' | 'map';
}

/** Search first, then the map, then digest, then info: the order of /help and of Telegram's command menu. */
export const COMMANDS: readonly CommandSpec[] = Object.freeze([
  { command: 'district', description: 'Find what the report says about a district', zh: '按区县查找报道内容', usage: '/district 潼南', feature: 'search' },
  { command: 'topic', description: 'Find sections on a topic', zh: '按主题查找', usage: '/topic 就业', feature: 'search' },
  { command: 'person', description: 'Find a speaker by name or post', zh: '按人物或职务查找', usage: '/person 书记', feature: 'search' },
  { command: 'figures', description: 'Numbers quoted in the report', zh: '查看报道中的数字', usage: '/figures 投资', feature: 'search' },
  { command: 'search', description: 'Full-text search', zh: '全文搜索', usage: '/search 乡村振兴', feature: 'search' },
  { command: 'map', description: 'A map of the districts the report names (a topic, district or words optional)', zh: '区县地图：报道提到各区县的多少（可加主题、区县或词语）', usage: '/map 乡村振兴', feature: 'map' },
  { command: 'digest', description: "Today's digest", zh: '查看今日摘要', usage: '/digest', feature: 'digest' },
  { command: 'subscribe', description: 'Daily digest (time, district, topic or words optional; add 即时 for alerts on new articles)', zh: '订阅每日摘要（可选时间、区县、主题或词语；加“即时”则有新报道立即提醒）', usage: '/subscribe 07:30 潼南 就业 -招聘 即时', feature: 'digest' },
  { command: 'subscription', description: 'Show your digest subscription', zh: '查看订阅设置', usage: '/subscription', feature: 'digest' },
  { command: 'unsubscribe', description: 'Stop the daily digest', zh: '退订每日摘要', usage: '/unsubscribe', feature: 'digest' },
  { command: 'latest', description: 'The newest articles', zh: '最新收录的报道', usage: '/latest', feature: 'living' },
  { command: 'about', description: 'About the report', zh: '关于这篇报道', usage: '/about', feature: 'info' },
  { command: 'help', description: 'All commands', zh: '查看全部命令', usage: '/help', feature: 'info' },
  { command: 'start', description: 'Welcome and examples', zh: '开始使用', usage: '/start', feature: 'info' },
] satisfies CommandSpec[]);

/** The spec of `command` (lower-case, no slash), or undefined. */
export function findCommand(command: string, commands: readonly CommandSpec[] = COMMANDS): CommandSpec | undefined {
  return commands.find((c) => c.command === command);
}

/**
 * The command a mistyped one most likely meant (`distrct`, `distirct`, `topics` → district, district, topic): the
 * one nearest by edit distance (a swap of two neighbours counts once), when it is near enough for its length and
 * no other command is as near. Undefined otherwise: a wrong guess is worse than none.
 */
export function nearestCommand(command: string, commands: readonly CommandSpec[] = COMMANDS): CommandSpec | undefined {
  const typed = command.toLowerCase();
  if (typed.length < 2) return undefined;
  const scored = commands.map((c) => ({ c, d: editDistance(typed, c.command) })).sort((a, b) => a.d - b.d);
  const [best, second] = scored;
  if (!best || best.d === 0) return undefined;
  const limit = best.c.command.length <= 4 ? 1 : 2;
  return best.d <= limit && (!second || second.d > best.d) ? best.c : undefined;
}

/** Edit distance with adjacent transpositions (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/** Payloads for `setMyCommands`: the default list and the Chinese one. */
export function botCommandLists(commands: readonly CommandSpec[] = COMMANDS): { default: Array<{ command: string; description: string }>; zh: Array<{ command: string; description: string }> } {
  return {
    default: commands.map((c) => ({ command: c.command, description: c.description })),
    zh: commands.map((c) => ({ command: c.command, description: c.zh })),
  };
}
