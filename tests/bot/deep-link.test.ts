import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeStartParameter, encodeStartParameter, MAX_START_PARAMETER } from '../../src/bot/deep-link.ts';

const TELEGRAM_START_PARAMETER = /^[A-Za-z0-9_-]{1,64}$/;

describe('A deep link to an answer', () => {
  it('carries the command and the query in the characters Telegram allows (潼南 → district-5r285Y2X)', () => {
    const param = encodeStartParameter('district', '潼南');
    expect(param).toBe('district-5r285Y2X');
    expect(decodeStartParameter(param)).toEqual({ command: 'district', query: '潼南' });
  });

  it('round-trips every search command, pinyin, spaces and emoji', () => {
    for (const [command, query] of [['topic', '就业'], ['person', 'liuming'], ['figures', '2.6万亿元'], ['search', '乡村 振兴'], ['search', '👨‍👩‍👧']] as const) {
      expect(decodeStartParameter(encodeStartParameter(command, query))).toEqual({ command, query });
    }
  });

  it('cuts a long query to fit 64 characters, between graphemes', () => {
    const param = encodeStartParameter('figures', '重庆'.repeat(40));
    expect(param.length).toBeLessThanOrEqual(MAX_START_PARAMETER);
    expect(decodeStartParameter(param)?.query).toMatch(/^(重庆)+重?$/u);
    const family = encodeStartParameter('search', '👨‍👩‍👧'.repeat(10));
    expect(decodeStartParameter(family)?.query).toMatch(/^(👨‍👩‍👧)+$/u);
  });

  it('rejects parameters that are not ours: other words, unknown commands, non-canonical or non-UTF-8 bytes, empty queries', () => {
    for (const forged of ['', 'inline', 'flood', 'district-', 'weather-5r285Y2X', 'District-5r285Y2X', 'district-5r285Y2X=', 'district-5r285Y2', 'district-_w', 'district-IA', `district-${'A'.repeat(60)}`, 'district-<b>']) {
      expect(decodeStartParameter(forged), forged).toBeNull();
    }
  });

  it('for any query, is a valid start parameter that decodes to the start of the query', () => {
    fc.assert(
      fc.property(fc.constantFrom('district', 'topic', 'person', 'figures', 'search'), fc.string({ unit: 'grapheme', maxLength: 80 }), (command, query) => {
        const param = encodeStartParameter(command, query);
        expect(param).toMatch(TELEGRAM_START_PARAMETER);
        const decoded = decodeStartParameter(param);
        if (decoded) {
          expect(decoded.command).toBe(command);
          expect(query.trim().startsWith(decoded.query)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
