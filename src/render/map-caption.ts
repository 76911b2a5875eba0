/**
 * The words around the map: its caption (Telegram HTML: title, dates, filter, the five districts named most), the
 * same text when there is no picture, the buttons under it, and the replies when there is nothing to draw.
 */
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { z } from 'zod';
import { topDistricts, type MapSpec } from '../core/map.ts';
import { escapeHtml } from './html.ts';

/** A district button's callback data: `mapd:` and the district's NBS code (`mapd:500152`). */
export const MapDistrictCallbackSchema = z
  .string()
  .regex(/^mapd:(\d{6})$/u)
  .transform((data) => data.slice('mapd:'.length));

export function mapDistrictCallback(code: string): string {
  return `mapd:${code}`;
}

export const MAP_REPLIES = Object.freeze({
  heading: '报道里的重庆区县',
  tapHint: '点下面的区县，看提到它的报道。',
  noDistrict: '报道里还没有提到重庆的哪个区县，没有可画的地图。',
  unknownWord: (word: string) => `没有找到与“${escapeHtml(word)}”对应的主题、区县或词语，没有可画的地图。试试 <code>/map 乡村振兴</code>、<code>/map 潼南</code>，或只发 <code>/map</code>。`,
  badWord: (word: string) => `“${escapeHtml(word)}”不是可用的筛选词（每个词最多 30 个字，排除用 <code>-招聘</code>）。`,
  tooMany: (n: number, max: number) => `筛选最多 ${max} 个词，收到了 ${n} 个。`,
  noSection: (label: string) => `没有哪一节报道符合“${escapeHtml(label)}”，没有可画的地图。`,
  noDistrictUnder: (label: string, sections: number) => `符合“${escapeHtml(label)}”的 ${sections} 节报道没有提到重庆的区县，没有可画的地图。`,
});

/** The caption (at most a few hundred characters; Telegram allows 1,024) and the text sent when the picture cannot be. */
export function mapCaptionHtml(spec: MapSpec, options: { hint?: boolean } = {}): string {
  const lines = [`<b>${MAP_REPLIES.heading}</b>`, `《${escapeHtml(spec.title)}》${spec.period ? ` ${escapeHtml(spec.period)}` : ''}`];
  lines.push(spec.filter === null ? `全部 ${spec.sections} 节报道` : `筛选：${escapeHtml(spec.filter)}（${spec.sections} 节）`);
  const top = topDistricts(spec);
  if (top.length > 0) {
    lines.push('', '提到最多的区县：');
    top.forEach((d, i) => lines.push(`${i + 1}. ${escapeHtml(d.district)} ${d.count} 节`));
  }
  if ((options.hint ?? true) && top.length > 0) lines.push('', MAP_REPLIES.tapHint);
  return lines.join('\n');
}

/** One button per district of the caption's list (three to a row), each answering `/district <name>`; none without any. */
export function mapKeyboard(spec: MapSpec, districts: ReadonlyArray<{ code: string; name: string; short?: string | undefined }>): InlineKeyboardMarkup | undefined {
  const byName = new Map(districts.map((d) => [d.name, d]));
  const buttons = topDistricts(spec).flatMap((t) => {
    const d = byName.get(t.district);
    return d ? [{ text: `${d.short ?? d.name} ${t.count}`, callback_data: mapDistrictCallback(d.code) }] : [];
  });
  if (buttons.length === 0) return undefined;
  const rows = [];
  for (let i = 0; i < buttons.length; i += 3) rows.push(buttons.slice(i, i + 3));
  return { inline_keyboard: rows };
}
