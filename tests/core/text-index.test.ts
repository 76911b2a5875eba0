import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldWithMap } from '../../src/core/normalize.ts';
import { foldedUnitsByCharacter, foldedUnitsOf, highlightExact, highlightTerms, highlightTermsByCharacter, mergeRanges, splitSentences, termsAsWritten, TextIndex, wordsAsWritten } from '../../src/core/text-index.ts';

const marked = (text: string, ranges: [number, number][]): string[] => ranges.map(([a, b]) => text.slice(a, b));

describe('splitSentences', () => {
  it('splits at Chinese stops and keeps closing quotes with their sentence', () => {
    const p = '他说：“好！”我们走。还有呢';
    expect(splitSentences(p).map(([a, b]) => p.slice(a, b))).toEqual(['他说：“好！”', '我们走。', '还有呢']);
  });
});

describe('TextIndex', () => {
  const index = new TextIndex([
    ['整车进口从一年进口96台，到年进口7,316台。口岸发展很快。'],
    ['新能源汽车下线。侧碰壁障进行碰撞试验。'],
  ]);

  it('finds a sentence by a phrase in it', () => {
    const hits = index.search('进口', 0.5, 10);
    expect(hits.map((h) => index.sectionOf(h.sentence))).toEqual([0]);
    expect(index.sentenceText(hits[0]!.sentence)).toContain('7,316');
  });

  it('ignores punctuation inside numbers, so 7316 finds 7,316', () => {
    expect(index.search('7316', 1, 10)).toHaveLength(1);
  });

  it('scores partial matches by the share of bigrams present', () => {
    const [hit] = index.search('新能源车', 0.5, 10);
    expect(hit?.coverage).toBeGreaterThan(0.5);
    expect(hit?.coverage).toBeLessThan(1);
  });

  it('matches a one-character query against any sentence containing that character', () => {
    expect(index.search('碰', 1, 10)).toHaveLength(1);
  });

  it('weighs a lone character by its rarity, and can ask for a least number of them present', () => {
    const chars = new TextIndex([['侧碰壁障碰撞。', '正面看，面面俱到。', '面对面。', '对面。']]);
    // 侧 and 撞 are rare, 面 and 相 common or absent: two rare ones outweigh the rest.
    const [hit] = chars.search('侧 面 相 撞', 0.5, 10);
    expect(chars.sentenceText(hit!.sentence)).toBe('侧碰壁障碰撞。');
    expect(chars.search('侧 面 相 撞', 0.5, 10, 3)).toEqual([]);
  });

  it('returns nothing for characters the text never contains', () => {
    expect(index.search('疫情', 0.5, 10)).toEqual([]);
  });

  it('finds sentences that contain a whole term', () => {
    expect(index.sentencesWith('碰撞试验').map((s) => index.sentenceText(s))).toEqual(['侧碰壁障进行碰撞试验。']);
  });
});

describe('Bigrams and punctuation', () => {
  const index = new TextIndex([['小仙原，小朋友在玩。'], ['共有1,234人，增长2.6倍。'], ['归原小镇开门。']]);

  it('no bigram spans a comma between words: 原小 is not in 小仙原，小朋友', () => {
    expect(index.sentencesWith('原小').map((s) => index.sectionOf(s))).toEqual([2]);
    expect(index.search('原小', 1, 10).map((h) => index.sectionOf(h.sentence))).toEqual([2]);
  });

  it('a separator between digits still joins them: 1234 finds 1,234 and 26 finds 2.6', () => {
    expect(index.sentencesWith('1234').map((s) => index.sectionOf(s))).toEqual([1]);
    expect(index.sentencesWith('2.6倍').map((s) => index.sectionOf(s))).toEqual([1]);
    expect(index.search('1,234', 1, 10)).toHaveLength(1);
  });

  it('a comma between two numbers keeps them apart: 2021，2022 holds no 12', () => {
    const years = new TextIndex([['2021，2022年。'], ['第12名。']]);
    expect(years.sentencesWith('12').map((s) => years.sectionOf(s))).toEqual([1]);
    expect(years.sentencesWith('2021').map((s) => years.sectionOf(s))).toEqual([0]);
  });

  it('a query with punctuation between words matches each side, not the pair across it', () => {
    expect(index.sentencesWith('小仙原，小朋友').map((s) => index.sectionOf(s))).toEqual([0]);
  });
});

describe('Scoring per paragraph or section', () => {
  const index = new TextIndex([['碧水保卫战打响。排污口整治推进。', '美丽河湖建设。'], ['碧水长流。']]);
  const query = '碧水保卫战打响。排污口整治推进。';

  it('a passage of two sentences is only half in each sentence, but whole in their paragraph', () => {
    expect(Math.max(...index.search(query, 0, 10).map((h) => h.coverage))).toBeLessThan(0.7);
    const [top] = index.searchUnits(query, 'paragraph', { minCoverage: 0.5 }).hits;
    expect(top).toEqual({ unit: 0, coverage: 1 });
    expect(index.paragraphSentences(0)).toEqual([0, 2]);
    expect(index.sectionOfParagraph(2)).toBe(1);
  });

  it('a passage across a paragraph break is whole only in its section', () => {
    const across = '排污口整治推进。美丽河湖建设。';
    expect(index.searchUnits(across, 'paragraph', { minCoverage: 1 }).hits).toEqual([]);
    expect(index.searchUnits(across, 'section', { minCoverage: 1 }).hits).toEqual([{ unit: 0, coverage: 1 }]);
  });
});

describe('Bounding the work of a search', () => {
  // 的 in every sentence, 柠檬 in one near the end.
  const paragraphs = Array.from({ length: 50 }, (_, i) => [i === 40 ? '潼南的柠檬熟了。' : `第${i}天的风。`]);
  const index = new TextIndex(paragraphs);

  it('stops collecting candidates for a very common character at maxCandidates, and says so', () => {
    const all = index.searchUnits('的', 'sentence', { minCoverage: 1 });
    expect(all.hits).toHaveLength(50);
    expect(all.capped).toBe(false);
    const few = index.searchUnits('的', 'sentence', { minCoverage: 1, maxCandidates: 10 });
    expect(few.hits).toHaveLength(10);
    expect(few.capped).toBe(true);
  });

  it('lets the rarest words choose the candidates, so a rare word is found even when common ones would fill the cap', () => {
    const { hits } = index.searchUnits('的 柠檬', 'sentence', { minCoverage: 0.9, maxCandidates: 5 });
    expect(hits.map((h) => index.sentenceText(h.unit))).toEqual(['潼南的柠檬熟了。']);
  });

  it('places a passage by its rarest bigrams, still scoring its own paragraph 1', () => {
    const { hits } = index.searchUnits('潼南的柠檬熟了', 'paragraph', { minCoverage: 0.5, maxGroups: 2 });
    expect(hits[0]).toEqual({ unit: 40, coverage: 1 });
  });
});

describe('highlighting', () => {
  it('never marks a pair of characters across punctuation (【原，小】)', () => {
    const text = '归原小镇小仙原，小朋友';
    expect(marked(text, highlightTerms(text, ['归原小镇']))).toEqual(['归原小镇']);
  });

  it('marks a number written with a thousands separator', () => {
    const text = '年进口7,316台。';
    expect(marked(text, highlightTerms(text, ['7316']))).toEqual(['7,316']);
  });

  it('marks runs of query bigrams, across punctuation inside a number', () => {
    const text = '工业总量达2.6万亿元。';
    expect(marked(text, highlightTerms(text, ['2.6万亿']))).toEqual(['2.6万亿']);
  });

  it('marks verbatim occurrences of names, in the original traditional text too', () => {
    const text = '九龍坡區九龍灘廣場';
    expect(marked(text, highlightExact(text, ['九龙滩']))).toEqual(['九龍灘']);
  });

  it('marks a name said twice in a row as one run, and names that overlap as one', () => {
    expect(highlightExact('哈哈，笑了', ['哈'])).toEqual([[0, 2]]);
    expect(marked('渝中区解放碑', highlightExact('渝中区解放碑', ['解放碑', '渝中区', '区解']))).toEqual(['渝中区解放碑']);
  });

  it('merges ranges in order, and leaves the list given as it is', () => {
    const given: [number, number][] = [[5, 7], [0, 2], [1, 3], [3, 4]];
    expect(mergeRanges(given)).toEqual([[0, 4], [5, 7]]);
    expect(given).toEqual([[5, 7], [0, 2], [1, 3], [3, 4]]);
  });
});

describe('An index extended article after article', () => {
  // Sections that share words with each other and bring new ones (村名 n), so later ones add bigrams of their own.
  const section = (n: number): string[] => [`第${n}村发展乡村旅游，游客增加${n * 7}人。`, `村民说：“就业好了，收入${n}万元。”新词汇${String.fromCharCode(0x4e00 + n * 37)}${String.fromCharCode(0x4e00 + n * 53)}出现。`];
  const all = Array.from({ length: 60 }, (_, n) => section(n));
  const queries = ['发展', '乡村旅游', '就业 收入', '游', '7', '万元', '第3村', `${String.fromCharCode(0x4e00 + 40 * 37)}${String.fromCharCode(0x4e00 + 40 * 53)}`];

  const answers = (index: TextIndex) =>
    queries.map((q) => ({
      with: index.sentencesWith(q),
      search: index.search(q, 0.3, 1000),
      paragraphs: index.searchUnits(q, 'paragraph', { minCoverage: 0.5 }).hits,
    }));

  it('packs what it kept apart into segments and answers as an index built at once', () => {
    let index = new TextIndex(all.slice(0, 10));
    // Segments of a few sentences, so fifty additions pack many times over.
    for (let n = 10; n < all.length; n++) index = index.extend([all[n]!], 5);
    expect(answers(index)).toEqual(answers(new TextIndex(all)));
  });

  it('an older index still answers for its own sections after newer ones were built on it', () => {
    const base = new TextIndex(all.slice(0, 10));
    const older = base.extend(all.slice(10, 20), 5);
    older.extend(all.slice(20, 40), 5);
    expect(answers(older)).toEqual(answers(new TextIndex(all.slice(0, 20))));
  });
});

describe('A search that needs only a shortlist in order', () => {
  const many = Array.from({ length: 80 }, (_, n) => [`第${n}段：乡村振兴${n % 3 ? '带动就业' : ''}，${n % 5 ? '产业发展' : '旅游'}。`]);
  const index = new TextIndex(many);

  it('gives the same best hits first, and the same hits in all, as a full sort', () => {
    // A one-character query and an everyday word: most hits tie, and the shortlist goes by unit among them.
    for (const q of ['乡村振兴 就业 发展', '就业 旅游', '振兴', '第', '发展']) {
      const full = index.searchUnits(q, 'sentence', { minCoverage: 0.3 }).hits;
      for (const sortFirst of [1, 5, 17]) {
        const short = index.searchUnits(q, 'sentence', { minCoverage: 0.3, sortFirst }).hits;
        expect(short.slice(0, sortFirst)).toEqual(full.slice(0, sortFirst));
        expect([...short].sort((a, b) => a.unit - b.unit)).toEqual([...full].sort((a, b) => a.unit - b.unit));
        expect(index.searchUnits(q, 'sentence', { minCoverage: 0.3, sortFirst, limit: sortFirst }).hits).toEqual(full.slice(0, sortFirst));
      }
    }
  });
});

describe('Building a fresh index', () => {
  // Sentences sharing bigrams at varying distances, so posting deltas of one and several bytes both occur.
  const paragraphs = Array.from({ length: 300 }, (_, i) => [`第${i}天，潼南的柠檬${i % 7 === 0 ? '熟了' : '还青'}。${i % 150 === 0 ? '双江航电枢纽开工。' : ''}`]);
  const queries = ['柠檬熟了', '潼南', '双江航电', '第1', '天', '还青'];
  const answers = (index: TextIndex) => queries.map((q) => [index.sentencesWith(q), index.search(q, 0.5, 1000)]);

  it('finds the same whether it keeps the first pass bigrams or folds the text twice (past a memory bound)', () => {
    const kept = answers(new TextIndex(paragraphs));
    const bound = TextIndex.packMemoIds;
    try {
      for (const cap of [0, 1, 50, 1000]) {
        TextIndex.packMemoIds = cap;
        expect(answers(new TextIndex(paragraphs))).toEqual(kept);
      }
    } finally {
      TextIndex.packMemoIds = bound;
    }
    expect(kept[0]![0]).toHaveLength(43);
  });
});

describe('highlighting by table (the fast path) against folding character by character', () => {
  const pieces = ['就', '業', '，', 'Ａ', 'B', '1', '2', '.', ',', '3', '😀', '\u200d', '開', '县', ' ', '①', 'Ⅱ', 'i', '…', '㎡', 'm', '万', '亿', '%', '潼', '南', '区'];
  const numbers = ['1', '2', '.', ',', '，', '万'];
  const text = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.array(fc.constantFrom(...pieces), { maxLength: 40 }).map((cs) => cs.join('')),
    fc.array(fc.constantFrom(...numbers), { maxLength: 20 }).map((cs) => cs.join('')),
  );
  const terms = fc.array(text, { minLength: 1, maxLength: 3 });

  it('reads the same folded units and breaks as folding the whole text first, for any text', () => {
    fc.assert(fc.property(text, (t) => {
      expect(foldedUnitsOf(t)).toEqual(foldedUnitsByCharacter(t, []));
    }), { numRuns: 2000 });
  });

  it('marks the same ranges for any text and terms', () => {
    fc.assert(fc.property(text, terms, (t, ts) => {
      expect(highlightTerms(t, ts)).toEqual(highlightTermsByCharacter(t, ts));
    }), { numRuns: 1000 });
  });

  it('marks the same verbatim ranges as folding the whole text with its offset map', () => {
    // Up to a topic's dozen synonyms: past a few terms the text is read once for where any could start.
    const many = fc.array(fc.oneof(text, fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 3 }).map((cs) => cs.join(''))), { minLength: 1, maxLength: 12 });
    fc.assert(fc.property(text, fc.oneof(terms, many), (t, ts) => {
      const folded = foldWithMap(t);
      const expected: [number, number][] = [];
      for (const term of ts.map((x) => foldWithMap(x).text).filter(Boolean)) {
        for (let at = folded.text.indexOf(term); at >= 0; at = folded.text.indexOf(term, at + term.length)) expected.push([folded.origin[at] ?? 0, folded.origin[at + term.length] ?? t.length]);
      }
      expect(highlightExact(t, ts)).toEqual(mergeRanges(expected));
    }), { numRuns: 3000 });
  });

  it('searches a text as written only when that finds each term exactly where its fold does', () => {
    // Mostly text that can be searched as written, with now and then a piece that cannot.
    const plain = ['潼', '南', '区', '就', '业', '柠', '檬', '，', '。', '（', '）', '：', 'a', '1', ' '];
    const other = ['業', 'Ａ', 'B', '\u200d', '①', '%', '％', '…', '😀', '.'];
    const written = fc.array(fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...plain) }, { weight: 1, arbitrary: fc.constantFrom(...other) }), { maxLength: 30 }).map((cs) => cs.join(''));
    const wanted = fc.array(written.map((w) => w.slice(0, 4)), { minLength: 1, maxLength: 3 });
    let asWritten = 0;
    fc.assert(fc.property(fc.oneof(text, written), fc.oneof(terms, wanted), (t, ts) => {
      const folded = ts.map((x) => foldWithMap(x).text);
      if (!(termsAsWritten(folded) && wordsAsWritten(t))) return;
      asWritten++;
      const whole = foldWithMap(t);
      for (const term of folded.filter(Boolean)) {
        const found: number[] = [];
        for (let at = t.indexOf(term); at >= 0; at = t.indexOf(term, at + 1)) found.push(at);
        const viaFold: number[] = [];
        for (let at = whole.text.indexOf(term); at >= 0; at = whole.text.indexOf(term, at + 1)) viaFold.push(whole.origin[at] ?? -1);
        expect(found).toEqual(viaFold);
      }
    }), { numRuns: 2000 });
    // The property is not vacuous: a good share of the generated texts take the shortcut.
    expect(asWritten).toBeGreaterThan(100);
  });

  it('takes the shortcut for report text with full-width punctuation, and not where folding changes or joins words', () => {
    expect(termsAsWritten(['柠檬', '就业'])).toBe(true);
    expect(wordsAsWritten('潼南区的柠檬（一）：就业、增收！')).toBe(true);
    // A traditional character folds to the term's simplified one; a zero-width joiner is folded away between words.
    expect(wordsAsWritten('促進就業')).toBe(false);
    expect(wordsAsWritten('就\u200d业')).toBe(false);
    // Full-width letters fold to a term's; a term with a sign that a full-width one folds to is only found folded.
    expect(wordsAsWritten('ＡＢ级')).toBe(false);
    expect(termsAsWritten(['42%'])).toBe(false);
  });

  it('remembers per sentence of an index whether its words are as written', () => {
    const index = new TextIndex([['促進就業。潼南区的柠檬，好！']]);
    expect([index.wordsAsWritten(0), index.wordsAsWritten(1)]).toEqual([false, true]);
  });
});
