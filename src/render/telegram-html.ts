/**
 * A checker for the HTML subset Telegram accepts in `parse_mode: 'HTML'`
 * (https://core.telegram.org/bots/api#html-style). Used by tests on every rendered reply,
 * and by the bot as a last guard before sending.
 */

const ALLOWED: Readonly<Record<string, ReadonlyArray<string>>> = Object.freeze({
  b: [], strong: [], i: [], em: [], u: [], ins: [], s: [], strike: [], del: [],
  'tg-spoiler': [], span: ['class'], a: ['href'], code: ['class'], pre: [],
  blockquote: ['expandable'], 'tg-emoji': ['emoji-id'],
});

const TAG = /^<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*)\s*>/;
const ATTR = /([a-zA-Z-]+)(?:="([^"]*)")?/g;
const ENTITY = /^&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/;

function decodeEntity(entity: string): string {
  const named: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"' };
  if (named[entity]) return named[entity];
  const n = entity.startsWith('&#x') ? parseInt(entity.slice(3, -1), 16) : parseInt(entity.slice(2, -1), 10);
  return n <= 0x10ffff ? String.fromCodePoint(n) : '\uFFFD';
}

/** Problems with `html` as a Telegram message: unknown tags or attributes, unbalanced tags, bad entities, too long. Empty when valid. */
export function validateTelegramHtml(html: string, maxChars = 4096): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const ch = html[i];
    if (ch === '<') {
      const m = TAG.exec(html.slice(i));
      if (!m) {
        problems.push(`bare "<" at ${i}`);
        i += 1;
        continue;
      }
      const [whole, closing, rawName = '', attrs = ''] = m;
      const name = rawName.toLowerCase();
      const allowed = ALLOWED[name];
      if (!allowed) problems.push(`tag <${name}> not allowed at ${i}`);
      if (closing) {
        const open = stack.pop();
        if (open !== name) problems.push(`</${name}> at ${i} closes <${open ?? 'nothing'}>`);
      } else {
        for (const [, attr = ''] of attrs.matchAll(ATTR)) {
          if (allowed && !allowed.includes(attr.toLowerCase())) problems.push(`attribute ${attr} not allowed on <${name}> at ${i}`);
        }
        if (name === 'blockquote' && stack.includes('blockquote')) problems.push(`nested <blockquote> at ${i}`);
        if ((stack.includes('pre') || stack.includes('code')) && name !== 'code') problems.push(`<${name}> inside code at ${i}`);
        stack.push(name);
      }
      i += whole.length;
    } else if (ch === '&') {
      const m = ENTITY.exec(html.slice(i));
      if (!m) {
        problems.push(`bare "&" at ${i}`);
        i += 1;
        continue;
      }
      text += decodeEntity(m[0]);
      i += m[0].length;
    } else if (ch === '>') {
      problems.push(`bare ">" at ${i}`);
      i += 1;
    } else {
      text += ch;
      i += 1;
    }
  }
  for (const open of stack.reverse()) problems.push(`<${open}> never closed`);
  if (text.trim().length === 0) problems.push('message text is empty');
  if (text.length > maxChars) problems.push(`text is ${text.length} characters, over ${maxChars}`);
  if (html.length > maxChars) problems.push(`html is ${html.length} characters, over ${maxChars}`);
  return problems;
}
