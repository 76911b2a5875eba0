/** Characters that end a sentence. */
const SENTENCE_END = '。！？!?';
/** Closing marks that stay with the sentence they follow (`…。”`). */
const CLOSERS = '”’」』）)》';

/**
 * [start, end) ranges of a paragraph's sentences: a sentence ends after 。！？ (and any closing quotes after them),
 * or after an ellipsis that closes the paragraph. Leading and trailing spaces belong to no sentence.
 * The one splitter of the project, so a figure's context is exactly a sentence the search shows.
 */
export function sentenceRanges(paragraph: string): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < paragraph.length; i++) {
    const ch = paragraph[i]!;
    const ellipsisAtEnd = ch === '…' && /^…*[”’」』）)]*\s*$/u.test(paragraph.slice(i + 1));
    if (!SENTENCE_END.includes(ch) && !ellipsisAtEnd) continue;
    let end = i + 1;
    while (end < paragraph.length && (SENTENCE_END.includes(paragraph[end]!) || CLOSERS.includes(paragraph[end]!) || paragraph[end] === '…')) end++;
    out.push([start, end]);
    start = end;
    i = end - 1;
  }
  if (start < paragraph.length) out.push([start, paragraph.length]);
  return out
    .map(([a, b]): [number, number] => {
      while (a < b && /\s/u.test(paragraph[a]!)) a++;
      while (b > a && /\s/u.test(paragraph[b - 1]!)) b--;
      return [a, b];
    })
    .filter(([a, b]) => b > a);
}

/** A paragraph's sentences as strings; each is a substring of the paragraph. */
export function splitSentences(paragraph: string): string[] {
  return sentenceRanges(paragraph).map(([a, b]) => paragraph.slice(a, b));
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
