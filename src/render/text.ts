import type { Answer, Highlight } from '../core/answer.ts';
import type { Figure } from '../core/report.ts';
import { graphemes } from '../core/graphemes.ts';

// C0/C1 controls (except \n and \t) and lone surrogates: Telegram rejects or mangles them.
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Remove control characters and repair lone surrogates so any text is safe to send. */
export function cleanText(text: string): string {
  return text.replace(CONTROL, '').replace(LONE_SURROGATE, '\uFFFD');
}


/** Cut `text` to at most `max` UTF-16 units (Telegram's measure) on a grapheme boundary, so 👨‍👩‍👧 or 🇨🇳 is never split; adds `…` when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = 0;
  for (const { index, segment } of graphemes(text)) {
    if (index + segment.length > max - 1) break;
    end = index + segment.length;
  }
  return `${text.slice(0, end)}…`;
}

/** Re-exported so renderers import their text helpers from one place. */
export { personLabel } from '../core/report.ts';

/** A figure as one line: the number as written, then the sentence it stands in. */
export function figureLine(figure: Figure): string {
  return `${figure.text}：${figure.context}`;
}

export interface Segment {
  text: string;
  hit: boolean;
}

/**
 * Split an excerpt into plain and highlighted runs.
 * Highlights are clamped to the text, sorted and merged, so bad ranges from the core never throw.
 */
export function segments(excerpt: string, highlights: readonly Highlight[]): Segment[] {
  const ranges = highlights
    .map(([s, e]) => [Math.max(0, Math.min(s, excerpt.length)), Math.max(0, Math.min(e, excerpt.length))] as const)
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [s, e] of ranges) {
    const last = merged[merged.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  const out: Segment[] = [];
  let pos = 0;
  for (const [s, e] of merged) {
    if (s > pos) out.push({ text: excerpt.slice(pos, s), hit: false });
    out.push({ text: excerpt.slice(s, e), hit: true });
    pos = e;
  }
  if (pos < excerpt.length) out.push({ text: excerpt.slice(pos), hit: false });
  return out;
}

/** Suggestions as full commands (`沙坪坝` → `/district 沙坪坝`), ready to copy and send. */
export function suggestionCommands(answer: Answer): string[] {
  return answer.suggestions.map((s) => (/^\s*[/／]/.test(s) ? s.trim() : `/${answer.command} ${s.trim()}`));
}

/** The figures worth listing under a result: for /figures all of them, their sentence only when the excerpt lacks it. */
export function figureLines(figures: readonly Figure[], excerpt: string): string[] {
  return figures.map((f) => (excerpt.includes(f.context) ? f.text : figureLine(f)));
}
