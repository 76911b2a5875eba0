import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnswerSchema, SearchCommandSchema, type Answer } from '../../src/core/answer.ts';
import { cleanQuery, createEngine } from '../../src/core/engine.ts';
import { resolveFilterWords } from '../../src/core/digest.ts';
import { GazetteerSchema } from '../../src/core/gazetteer.ts';
import { suggestionCommands } from '../../src/render/text.ts';
import { realEngine } from './engine-setup.ts';

const commands = SearchCommandSchema.options;

/** Everything a renderer relies on: schema-valid, highlights inside the excerpt, ids from the report. */
function expectWellFormed(answer: Answer, sectionIds: Set<string>): void {
  expect(AnswerSchema.safeParse(answer).success).toBe(true);
  expect(answer.message).not.toMatch(/内部错误/);
  for (const r of answer.results) {
    expect(sectionIds.has(r.sectionId)).toBe(true);
    for (const [a, b] of r.highlights) {
      expect(a).toBeLessThan(b);
      expect(b).toBeLessThanOrEqual(r.excerpt.length);
    }
  }
}

describe('When the query is odd', () => {
  const { report, engine } = realEngine();
  const ids = new Set(report.sections.map((s) => s.id));

  it.each(commands)('an empty /%s query gets a usage line with an example', (command) => {
    const answer = engine.answer(command, '   ');
    expect(answer.status).toBe('usage');
    expect(answer.message).toMatch(/例如 \/\w+ \S/);
  });

  // How fast this is answered is measured by `npm run bench` (its query set includes a 2,700-character query), not here.
  it.each(commands)('a query of 20,000 characters to /%s is cut to 200 and answered', (command) => {
    const huge = '潼南柠檬产业发展'.repeat(2500);
    const answer = engine.answer(command, huge);
    expect([...answer.query].length).toBeLessThanOrEqual(200);
    expect(answer.message).toContain('只用了前 200 个字');
    expectWellFormed(answer, ids);
  });

  it.each([
    ['HTML', '<b>潼南</b><script>alert(1)</script>'],
    ['emoji', '🍋潼南🍋'],
    ['control characters', '潼\u0000南\u0007\u001b[31m'],
    ['only punctuation', '，。！？…'],
    ['a lone surrogate', '\ud800潼南'],
    ['right-to-left marks', '\u202e潼南\u202c'],
  ])('a query with %s is answered, never thrown', (_label, query) => {
    for (const command of commands) expectWellFormed(engine.answer(command, query), ids);
  });

  it('control characters do not stop a district from resolving', () => {
    expect(engine.answer('district', '潼\u0000南').resolved?.id).toBe('潼南区');
  });

  it('any string to any command gives a well-formed answer (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...commands), fc.string({ unit: 'binary', maxLength: 300 }), (command, query) => {
        expectWellFormed(engine.answer(command, query), ids);
      }),
      { numRuns: 300 },
    );
  });

  it('any text built from the report itself gives a well-formed answer (property)', () => {
    const chars = [...new Set(report.sections.flatMap((s) => [...s.paragraphs.join('')]))];
    fc.assert(
      fc.property(fc.constantFrom(...commands), fc.array(fc.constantFrom(...chars), { maxLength: 30 }), (command, cs) => {
        expectWellFormed(engine.answer(command, cs.join('')), ids);
      }),
      { numRuns: 300 },
    );
  });
});

describe('cleanQuery', () => {
  it('never splits an emoji when cutting', () => {
    expect(cleanQuery('😀'.repeat(5), 3)).toBe('😀😀😀');
  });

  it('turns control characters into spaces and trims', () => {
    expect(cleanQuery(' a\u0000b\n ', 10)).toBe('a b');
  });

  it('keeps emoji sequences whole: a family, a skin tone, a subdivision flag', () => {
    for (const emoji of ['👨‍👩‍👧', '👍🏽', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '🇨🇳']) expect(cleanQuery(` ${emoji} `, 200)).toBe(emoji);
    expect(cleanQuery('潼南👨‍👩‍👧', 200)).toBe('潼南👨‍👩‍👧');
  });

  it('cuts between emoji sequences, never inside one', () => {
    expect(cleanQuery('👨‍👩‍👧'.repeat(5), 2)).toBe('👨‍👩‍👧👨‍👩‍👧');
  });

  it('still drops format characters outside emoji (zero-width space, bidi override)', () => {
    expect(cleanQuery('潼\u200B南\u202E', 10)).toBe('潼 南');
  });
});

describe('A /district answer', () => {
  const { report, engine } = realEngine();

  it('marks the place name in the excerpt and shows the figures of those sentences', () => {
    const answer = engine.answer('district', '潼南');
    const top = answer.results[0]!;
    const marked = top.highlights.map(([a, b]) => top.excerpt.slice(a, b));
    expect(marked.length).toBeGreaterThan(0);
    expect(marked.every((m) => m.includes('潼南'))).toBe(true);
    for (const f of top.figures) expect(top.excerpt).toContain(f.text);
  });

  it('puts the section whose subject is the district before others that mention it', () => {
    const answer = engine.answer('district', '沙坪坝');
    const subjects = report.sections.filter((s) => s.districts[0] === '沙坪坝区').map((s) => s.id);
    expect(subjects).toContain(answer.results[0]?.sectionId);
  });

  it('says so when a township is not named in the report and shows its district instead', () => {
    const answer = engine.answer('district', '双江镇');
    expect(answer.resolved).toMatchObject({ kind: 'township', id: '双江镇' });
    expect(answer.message).toMatch(/没有直接提到双江镇/);
    expect(answer.results[0]?.speaker?.org).toContain('潼南');
  });

  it.each(['甘泉', '滩子村', '两江'])('says when %s is no place it knows but the report uses the words, and suggests /search', (word) => {
    const answer = engine.answer('district', word);
    expect(answer.status).toBe('no_match');
    expect(answer.message).toMatch(new RegExp(`没有找到叫“${word}”的.*但报道中有 \\d+ 段提到“${word}”.*/search ${word}`, 'u'));
    // A suggestion that starts with a command is rendered as that command, so the reader can tap it.
    expect(answer.suggestions[0]).toBe(`/search ${word}`);
    expect(suggestionCommands(answer)).toContain(`/search ${word}`);
    const search = engine.answer('search', word);
    expect(search.status).toBe('ok');
    expect(search.results[0]?.excerpt).toContain(word);
  });

  it('does not suggest /search for words the report never uses', () => {
    const answer = engine.answer('district', '火星');
    expect(answer.status).toBe('no_match');
    expect(answer.suggestions.some((s) => s.startsWith('/search'))).toBe(false);
  });

  it('carries the speaker and headline of each section', () => {
    const top = engine.answer('district', '潼南').results[0]!;
    expect(top.speaker?.name).toBeTruthy();
    expect(top.headline).toBeTruthy();
  });
});

describe('A /search answer', () => {
  const { engine } = realEngine();

  it('marks the matched words, and nothing across punctuation (小仙原，小朋友 stays unmarked)', () => {
    const top = engine.answer('search', '归原小镇').results[0]!;
    const marks = top.highlights.map(([a, b]) => top.excerpt.slice(a, b));
    expect(marks).toContain('归原小镇');
    expect(new Set(marks)).toEqual(new Set(['归原小镇']));
  });

  it('lands a near-miss that shares no words, only rare characters: 侧面相撞 finds 侧碰…碰撞, marked as close', () => {
    const answer = engine.answer('search', '侧面相撞');
    expect(answer.status).toBe('ok');
    expect(answer.approximate).toBe(true);
    expect(answer.message).toMatch(/相近/);
    const top = answer.results[0]!;
    expect(top.speaker?.name).toBe('崔淑娟');
    expect(top.excerpt).toMatch(/侧碰.*碰撞/u);
  });

  it('does not land a query on one shared character (侧门) or on none (疫情)', () => {
    expect(engine.answer('search', '侧门').status).toBe('no_match');
    expect(engine.answer('search', '疫情').status).toBe('no_match');
  });

  it('says when it had to loosen the match, in words and in the approximate flag', () => {
    expect(engine.answer('search', '侧面碰撞').message).toMatch(/相近/);
    expect(engine.answer('search', '侧面碰撞').approximate).toBe(true);
    expect(engine.answer('search', '归原小镇').message).not.toMatch(/相近/);
    expect(engine.answer('search', '归原小镇').approximate).toBeFalsy();
  });

  it('names a continuation fragment by its page and topics, since it has no headline', () => {
    const top = engine.answer('topic', '就业').results[0]!;
    expect(top.headline).toBeNull();
    expect(top.title).toBe('（上接1版）就业、公共服务');
    expect(engine.answer('district', '潼南').results[0]!.title).toBeUndefined();
  });
});

describe('When a search word is very common', () => {
  const { report } = realEngine();
  const gazetteer = GazetteerSchema.parse(JSON.parse(readFileSync('data/chongqing-divisions.json', 'utf8')));
  // A low cap stands in for a thousand reports: the real report has fewer sentences than the default cap.
  const capped = createEngine(report, gazetteer, { maxCandidates: 10 });

  it('/search 的 still answers, and says the count is a lower bound', () => {
    const answer = capped.answer('search', '的');
    expect(answer.status).toBe('ok');
    expect(answer.results.length).toBeGreaterThan(0);
    expect(answer.message).toMatch(/报道中至少有 \d+ 段相关内容/);
    for (const r of answer.results) expect(r.excerpt).toContain('的');
  });

  it('a rare word next to a common one is still found first (的 柠檬)', () => {
    const answer = capped.answer('search', '的 柠檬');
    expect(answer.results[0]?.speaker?.name).toBe('刘红光');
    expect(answer.results[0]?.excerpt).toContain('柠檬');
  });

  it('without the cap, the count is exact', () => {
    expect(realEngine().engine.answer('search', '的').message).toMatch(/报道中有 \d+ 段相关内容/);
  });
});

describe('When a passage of the report is pasted into /search', () => {
  const { report, engine } = realEngine();
  const sectionOf = (text: string): string => report.sections.find((s) => s.paragraphs.some((p) => p.includes(text)))!.id;

  it('the 285-character 碧水保卫战 paragraph finds its section first, as an exact match', () => {
    const paragraph = report.sections.flatMap((s) => s.paragraphs).find((p) => p.startsWith('一是深入打好碧水保卫战'))!;
    expect(paragraph.length).toBeGreaterThan(200);
    const answer = engine.answer('search', paragraph);
    expect(answer.status).toBe('ok');
    expect(answer.approximate).toBeFalsy();
    expect(answer.message).not.toMatch(/没有完全相符/);
    expect(answer.results[0]?.sectionId).toBe(sectionOf('一是深入打好碧水保卫战'));
    expect(answer.results[0]?.speaker?.org).toContain('生态环境');
    expect(answer.results[0]?.excerpt).toContain('碧水保卫战');
  });

  it('every paragraph of two or more sentences, pasted whole, finds its own section first and exactly', () => {
    const paragraphs = report.sections.flatMap((s) => s.paragraphs.map((p) => ({ id: s.id, p }))).filter(({ p }) => /[。！？].+[。！？]/u.test(p));
    expect(paragraphs.length).toBeGreaterThan(10);
    for (const { id, p } of paragraphs) {
      const answer = engine.answer('search', p);
      expect(answer.approximate, p).toBeFalsy();
      expect(answer.results[0]?.sectionId, p).toBe(id);
    }
  });

  it('a passage copied across a paragraph break finds the section that holds it', () => {
    const section = report.sections.find((s) => s.paragraphs.length >= 2 && s.paragraphs.every((p) => p.length > 60))!;
    const [first, second] = section.paragraphs as [string, string];
    const answer = engine.answer('search', `${first.slice(-40)}\n${second.slice(0, 40)}`);
    expect(answer.approximate).toBeFalsy();
    expect(answer.results[0]?.sectionId).toBe(section.id);
  });
});

describe('A /topic answer', () => {
  const { engine } = realEngine();

  it.each(['发展', '建设', '经济', '工作'])('does not pass off the everyday word %s as a topic: full-text results, and says so', (word) => {
    const answer = engine.answer('topic', word);
    expect(answer.status).toBe('ok');
    expect(answer.resolved?.kind).toBe('text');
    expect(answer.message).toMatch(new RegExp(`“${word}”不在话题分类中`));
    expect(answer.message).not.toMatch(/话题“/);
    expect(answer.results[0]?.excerpt).toContain(word);
  });

  it.each([
    ['振兴', '乡村振兴'],
    ['双城', '成渝双城经济圈'],
    ['农业发展', '乡村振兴'],
    ['人大工作', '人大'],
  ])('resolves %s, which only one topic holds or which holds a topic word, to %s', (query, topic) => {
    const answer = engine.answer('topic', query);
    expect(answer.resolved).toMatchObject({ kind: 'topic', label: topic });
    expect(answer.message).toContain(`话题“${topic}”`);
  });

  it.each([
    ['fazhan', '发展'],
    ['Gōngzuò', '工作'],
  ])('reads pinyin for an everyday word (%s) as that word: full text for %s, not a topic', (query, word) => {
    const answer = engine.answer('topic', query);
    expect(answer.status).toBe('ok');
    expect(answer.query).toBe(query);
    expect(answer.resolved?.kind).toBe('text');
    expect(answer.message).toContain(`“${query}”（${word}）不在话题分类中`);
    expect(answer.results[0]?.excerpt).toContain(word);
  });

  it.each([
    ['zhenxing', '乡村振兴'],
    ['jiuyie', '就业'],
  ])('still resolves pinyin for a part only one topic has, or with a typo (%s → %s)', (query, topic) => {
    expect(engine.answer('topic', query).resolved).toMatchObject({ kind: 'topic', label: topic });
  });

  it('falls back to full text for a phrase that is no topic, and says so', () => {
    const answer = engine.answer('topic', '柠檬');
    expect(answer.status).toBe('ok');
    expect(answer.message).toMatch(/不在话题分类中/);
  });
});

describe('resolveFilter (digest filters)', () => {
  const { engine } = realEngine();

  it.each([
    ['潼南', 'district', '潼南区'],
    ['tongnan', 'district', '潼南区'],
    ['開州', 'district', '开州区'],
    ['满月镇', 'district', '开州区'],
    ['就业', 'topic', 'employment'],
  ])('%s resolves to %s %s', (query, kind, id) => {
    expect(engine.resolveFilter(query)).toMatchObject({ kind, id });
  });

  it.each([
    ['城口', '城口县'],
    ['綦江', '綦江区'],
    ['qijiang', '綦江区'],
  ])('%s, a district the report does not cover yet, is still a filter: an article about it may come', (query, id) => {
    expect(engine.answer('district', query).status).toBe('no_coverage');
    expect(engine.resolveFilter(query)).toMatchObject({ kind: 'district', id });
  });

  it.each(['北京', '疫情', '', '😀', '发展', '工作'])('%s is neither a Chongqing district nor a topic', (query) => {
    expect(engine.resolveFilter(query)).toBeNull();
  });

  it('takes a guess (typo, homophone, loose pinyin) only for a district the report covers, never one it would wait on for ever', () => {
    expect(engine.resolveFilter('潼楠')).toMatchObject({ kind: 'district', id: '潼南区' });
    expect(engine.resolveFilter('城扣')).toBeNull();
    expect(engine.resolveFilter('fangchan')).toBeNull();
  });

  it('reads several words as several filters, a district and a topic alike, covered or not', () => {
    const { report } = realEngine();
    const words = (q: string) => resolveFilterWords(q.split(' '), engine.resolveFilter, report);
    for (const [q, district, topic] of [['城口 交通', '城口县', 'transport'], ['潼南 就业', '潼南区', 'employment']] as const) {
      expect(words(q)).toMatchObject({ ok: true, filter: { kind: 'terms', terms: [{ kind: 'district', id: district }, { kind: 'topic', id: topic }] } });
    }
    expect(words('tong nan')).toMatchObject({ ok: true, filter: { kind: 'district', id: '潼南区' } });
  });
});

describe('The fold function (EngineOptions.fold)', () => {
  const { report } = realEngine();
  const gazetteer = GazetteerSchema.parse(JSON.parse(readFileSync('data/chongqing-divisions.json', 'utf8')));

  it('is the one place where characters are folded: without 繁→简, traditional queries stop matching', () => {
    const plain = createEngine(report, gazetteer, { fold: (ch) => ch.toLowerCase() });
    const { engine } = realEngine();
    expect(engine.answer('search', '歸原小鎮').status).toBe('ok');
    expect(plain.answer('search', '歸原小鎮').results).toEqual([]);
    expect(plain.answer('search', '归原小镇').status).toBe('ok');
    // 開州 still resolves without folding, but only as a homophone (pinyin), and the reply says what it understood.
    expect(engine.answer('district', '開州').message).not.toContain('按“开州区”查找');
    expect(plain.answer('district', '開州').message).toContain('按“开州区”查找');
  });
});

describe('cleanQuery at the limit', () => {
  it('keeps a query of exactly the limit whole, counting an emoji as one character', () => {
    expect(cleanQuery('😀'.repeat(3), 3)).toBe('😀😀😀');
    expect(cleanQuery('a😀b', 3)).toBe('a😀b');
    expect(cleanQuery('a😀bc', 3)).toBe('a😀b');
  });
});

describe('Cleaning a query', () => {
  // The reference: grapheme by grapheme, as cleanQuery does for text that is not plain.
  const reference = (query: string, max: number): string => {
    let out = '';
    let count = 0;
    for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(query)) {
      if (count >= max) break;
      let clean = segment.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').replace(/\s+/gu, ' ');
      if (clean.startsWith(' ') && (out === '' || out.endsWith(' '))) clean = clean.slice(1);
      if (clean === '') continue;
      out += clean;
      count += 1;
    }
    return out.trim();
  };

  it('gives what cutting grapheme by grapheme gives, for any mix of Chinese, Latin, digits, punctuation and spaces', () => {
    const alphabet = fc.constantFrom(...'潼南区就業 　\t\n\r,.，。abcXYZ0129éü－（）'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), fc.integer({ min: 1, max: 30 }), (chars, max) => {
        const q = chars.join('');
        expect(cleanQuery(q, max)).toBe(reference(q, max));
      }),
      { numRuns: 500 },
    );
  });
});

describe('A bug inside the engine', () => {
  it('gives the user a sentence and tells the operator through onError', () => {
    const errors: unknown[] = [];
    const { report } = realEngine();
    const gazetteer = GazetteerSchema.parse(JSON.parse(readFileSync('data/chongqing-divisions.json', 'utf8')));
    // A fold that throws stands in for any bug on the answering path.
    const broken = createEngine(report, gazetteer, {
      fold: (ch) => {
        if (ch === '炸') throw new Error('boom');
        return ch;
      },
      onError: (err) => errors.push(err),
    });
    const answer = broken.answer('search', '炸弹');
    expect(answer.message).toContain('内部错误');
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('boom');
  });
});

describe('When the same query is asked again', () => {
  const { report } = realEngine();
  const gazetteer = GazetteerSchema.parse(JSON.parse(readFileSync('data/chongqing-divisions.json', 'utf8')));

  it('the engine hands back the answer it gave, equal to one computed afresh', () => {
    const cached = createEngine(report, gazetteer);
    const fresh = createEngine(report, gazetteer, { answerCacheSize: 0 });
    const first = cached.answer('topic', '就业');
    expect(cached.answer('topic', '就业')).toBe(first);
    expect(first).toEqual(fresh.answer('topic', '就业'));
    // Another cap is another answer, not the cached one.
    expect(cached.answer('topic', '就业', 1).results).toHaveLength(1);
  });

  it('a shared answer cannot be changed by one caller for the next', () => {
    const engine = createEngine(report, gazetteer);
    const answer = engine.answer('district', '潼南');
    expect(() => (answer.results as unknown[]).push({})).toThrow(TypeError);
    expect(engine.answer('district', '潼南').results).toHaveLength(answer.results.length);
  });

  it('a long paste asked twice is found by what was answered, and still says it was cut', () => {
    const engine = createEngine(report, gazetteer);
    const paste = '推动产业转型升级'.repeat(60);
    const first = engine.answer('search', paste);
    expect(engine.answer('search', `${paste}更多`)).toBe(first);
    expect(first.message).toMatch(/查询太长/);
  });

  it('with no room for answers every call computes its own', () => {
    const engine = createEngine(report, gazetteer, { answerCacheSize: 0 });
    expect(engine.answer('topic', '就业')).not.toBe(engine.answer('topic', '就业'));
  });
});
