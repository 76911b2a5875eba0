import type { Answer, AnswerResult } from '../core/answer.ts';
import { cleanText, figureLines, personLabel, segments, suggestionCommands } from './text.ts';

export interface PlainOptions {
  /** Wrap matched text in 【】 (default true); turn off for machine-compared output. */
  highlight?: boolean;
}

/** One result as indented lines: who, headline, excerpt with matches marked, figures. */
export function renderPlainResult(result: AnswerResult, index: number, command: Answer['command'], options: PlainOptions = {}): string {
  const mark = options.highlight ?? true;
  const lines: string[] = [];
  const who = result.speaker ? personLabel(result.speaker) : (result.title ?? '报道');
  lines.push(`${index}. ${who}`);
  const headline = result.headline ?? (result.speaker ? result.title : undefined);
  if (headline) lines.push(`   ${headline}`);
  if (result.article) lines.push(`   出自 ${result.article}`);
  if (result.excerpt) {
    const excerpt = segments(result.excerpt, result.highlights)
      .map((s) => (s.hit && mark ? `【${s.text}】` : s.text))
      .join('');
    lines.push(`   ${excerpt}`);
  }
  if (command === 'figures') {
    for (const line of figureLines(result.figures, result.excerpt)) lines.push(`   · ${line}`);
  } else if (result.figures.length > 0) {
    lines.push(`   数字：${result.figures.map((f) => f.text).join('、')}`);
  }
  return cleanText(lines.join('\n'));
}

/** Render an answer as terminal text (the `npm run ask` and terminal-chat output). */
export function renderPlain(answer: Answer, options: PlainOptions = {}): string {
  const parts: string[] = [cleanText(answer.message)];
  answer.results.forEach((r, i) => parts.push(renderPlainResult(r, i + 1, answer.command, options)));
  if (answer.suggestions.length > 0) parts.push(cleanText(`试试：${suggestionCommands(answer).join('、')}`));
  return parts.join('\n\n');
}
