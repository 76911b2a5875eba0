/** Characters that end a sentence. */
const SENTENCE_END = '。！？!?';
/** Closing marks that stay with the sentence they follow (`…。”`). */
const CLOSERS = '”’」』）)》';

/**
 * Split a paragraph into sentences, keeping every character: the pieces joined give the paragraph back,
 * so each sentence is a substring of it. Closing quotes after a full stop stay with that sentence.
 */
export function splitSentences(paragraph: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < paragraph.length) {
    const ch = paragraph[i]!;
    if (SENTENCE_END.includes(ch) || (ch === '…' && paragraph[i + 1] === '…' && isEndAfterEllipsis(paragraph, i + 2))) {
      let end = ch === '…' ? i + 2 : i + 1;
      while (end < paragraph.length && (SENTENCE_END.includes(paragraph[end]!) || CLOSERS.includes(paragraph[end]!))) end++;
      out.push(paragraph.slice(start, end));
      start = end;
      i = end;
      continue;
    }
    i++;
  }
  if (start < paragraph.length) out.push(paragraph.slice(start));
  return out.filter((s) => s.trim().length > 0);
}

// An ellipsis ends a sentence only when nothing but closers follows before the next clause.
function isEndAfterEllipsis(text: string, at: number): boolean {
  return at >= text.length;
}

/**
 * True when a paragraph's last character closes a sentence (so the next paragraph starts a new one).
 * A closing quote ends a sentence only after a full stop (`…光彩！”`), not after a quoted phrase (`建设“智慧名城”`).
 */
export function endsSentence(paragraph: string): boolean {
  const text = paragraph.trimEnd();
  const last = text.at(-1);
  if (last === undefined) return true;
  if ('”’」』'.includes(last)) return '。！？!?…；;'.includes(text.at(-2) ?? '');
  return (SENTENCE_END + '；;：:…').includes(last);
}
