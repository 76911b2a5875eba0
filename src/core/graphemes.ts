// One grapheme segmenter for the whole process, made on first use: constructing the first Intl.Segmenter loads ICU's
// break rules (~13 ms), which a start that answers plain text (most queries take a fast path) never needs.
let segmenter: Intl.Segmenter | null = null;

/** The user-perceived characters of `text` (👨‍👩‍👧 and 🇨🇳 are one each), with their offsets. */
export function graphemes(text: string): Intl.Segments {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return segmenter.segment(text);
}
