/**
 * The one font the map is drawn with: a subset of Noto Sans SC (OFL) shipped in data/map/ (`npm run map:font`
 * rebuilds it). The renderer never looks at system fonts, so what this file lacks would be drawn as nothing: text
 * goes through `fit` first, which puts □ in place of a character the font has no glyph for and says which.
 */
import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';

/** Where the subset lives, relative to the working directory (the project root, like data/report.json). */
export const FONT_FILE = 'data/map/NotoSansSC-Regular-subset.ttf';
/** The npm package (and version) the subset is cut from. */
export const FONT_PACKAGE = '@expo-google-fonts/noto-sans-sc@0.4.3';
/** Drawn instead of a character the font lacks (GB 2312 has it, so the subset does). */
export const MISSING_GLYPH = '□';

export interface MapFont {
  /** The file, for the renderer's font list. */
  path: string;
  /** The family name inside it, which the SVG's text must name. */
  family: string;
  /** Whether the font draws this character (whitespace always counts as drawable). */
  has(char: string): boolean;
  /** `text` with every character the font cannot draw replaced by □, and those characters. */
  fit(text: string): { text: string; missing: string[] };
}

/** Read the font file and its character map. Throws, naming the file, when it is missing or not a single font. */
export function loadMapFont(path = FONT_FILE): MapFont {
  let font: fontkit.Font | fontkit.FontCollection;
  try {
    font = fontkit.create(readFileSync(path));
  } catch (err) {
    throw new Error(`cannot read the map font ${path}: ${(err as Error).message} (npm run map:font rebuilds it)`);
  }
  if (!('characterSet' in font)) throw new Error(`${path} is a font collection; the map needs one font`);
  const covered = new Set(font.characterSet);
  const has = (char: string) => /^\s$/u.test(char) || covered.has(char.codePointAt(0) ?? -1);
  return {
    path,
    family: font.familyName,
    has,
    fit(text) {
      const missing: string[] = [];
      let out = '';
      for (const char of text) {
        if (has(char)) out += char;
        else {
          missing.push(char);
          out += MISSING_GLYPH;
        }
      }
      return { text: out, missing };
    },
  };
}
