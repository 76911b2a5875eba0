// /figures as a reader sees it: the message, and the figures listed under each result.
import { describe, expect, it } from 'vitest';
import { realEngine } from '../engine-setup.ts';

const { engine, report } = realEngine();
const ask = (q: string) => engine.answer('figures', q);
const shown = (q: string): string[] => ask(q).results.flatMap((r) => r.figures.map((f) => f.text));

describe('A number written before a unit word is that number', () => {
  it.each([
    ['3369', '3369亿元'],
    ['2.6', '2.6万亿元'],
    ['5.4', '5.4万人次'],
    ['3,369', '3369亿元'],
  ])('/figures %s finds %s and does not say there is no such number', (q, text) => {
    const answer = ask(q);
    expect(answer.status).toBe('ok');
    expect(answer.message).toBe(`“${q}”：找到 1 个数字。`);
    expect(answer.results[0]?.figures.map((f) => f.text)).toEqual([text]);
  });

  it('still needs the whole amount when the query names a magnitude: 3369万 is not 3369亿元', () => {
    expect(shown('3369万')).not.toContain('3369亿元');
  });

  // Every figure written with 万/亿 (`25万人次以上`, `200万人次`), by the digits before it.
  const scaled = report.sections.flatMap((s) => s.figures).filter((f) => /^[\d.,]+(?:余|多)?(?:万亿|亿|万|千)/u.test(f.text));
  it.each(scaled.map((f) => [/^[\d.,]+/u.exec(f.text)![0], f.text] as const))('/figures %s lists %s and never denies it', (digits, text) => {
    const answer = ask(digits);
    expect(answer.results.flatMap((r) => r.figures.map((f) => f.text))).toContain(text);
    expect(answer.message).not.toMatch(/没有数值为/);
  });
});

describe('Rough amounts (数百名, 近200万人次, 不到30分钟) are not exact ones', () => {
  it('/figures 100 finds 100余所 only, not 数百名', () => {
    const answer = ask('100');
    expect(answer.message).toBe('“100”：找到 1 个数字。');
    expect(shown('100')).toEqual(['100余所']);
  });

  it('/figures 数百 and /figures 数百名 find 数百名', () => {
    expect(shown('数百')).toEqual(['数百名']);
    expect(shown('数百名')).toEqual(['数百名']);
  });

  it('/figures 200万 finds 近200万人次 and says it is approximate', () => {
    const answer = ask('200万');
    expect(answer.approximate).toBe(true);
    expect(answer.message).toBe('报道中没有正好是“200万”的数字，只有约数：近200万人次。');
    expect(shown('200万')).toEqual(['200万人次']);
  });

  it('/figures 近200万 is rough too, and finds it as a match', () => {
    const answer = ask('近200万');
    expect(answer.approximate).toBeUndefined();
    expect(answer.message).toBe('“近200万”：找到 1 个数字。');
  });

  it('/figures 30分钟 finds 不到30分钟, marked approximate', () => {
    const answer = ask('30分钟');
    expect(answer.message).toContain('只有约数：不到30分钟');
    expect(shown('30分钟')).toEqual(['30分钟']);
  });

  it('/figures 约7316 (a rough query no rough figure matches) falls back to the exact 7316台, saying so', () => {
    const answer = ask('约7316');
    expect(answer.approximate).toBe(true);
    expect(answer.message).toBe('报道中没有“约7316”这样的约数，数值相同的有：7316台。');
  });
});

describe('A sign or a digit inside a longer number does not match', () => {
  it('/figures -5 finds no figure (there is no negative number), not every figure with a 5 in it', () => {
    const answer = ask('-5');
    expect(answer.status).toBe('no_match');
    expect(answer.results).toEqual([]);
    expect(answer.message).toMatch(/^报道中没有与“-5”相符的数字/);
  });

  it('/figures －５ and 负5 read the same way', () => {
    expect(ask('－５').status).toBe('no_match');
    expect(ask('负5').status).toBe('no_match');
  });

  it('/figures #5 matches 5 only where it stands whole (5公里, 3—5个), not 25万 or 15分钟', () => {
    const texts = shown('#5');
    expect(texts).toEqual(expect.arrayContaining(['5公里', '3—5个']));
    for (const t of ['25万人次以上', '15分钟', '5.4万人次', '121个']) expect(texts).not.toContain(t);
  });
});
