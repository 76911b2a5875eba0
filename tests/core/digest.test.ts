import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { combineTerms, composeDigest, describeFilter, formatTimeOfDay, matchesFilter, resolveFilterWords, type SingleFilter, localDateTime, nextSend, numberOfTheDay, parseSubscribeArgs, parseTimeOfDay, NOTHING_NEW, pickSection, type DigestFilter } from '../../src/core/digest.ts';
import { renderDigestHtml } from '../../src/render/digest.ts';
import { validateTelegramHtml } from '../../src/render/telegram-html.ts';
import { parseReport } from '../../src/core/report.ts';
import { fixtureReport } from '../digest/fixture.ts';

const report = fixtureReport();
const tongnan: DigestFilter = { kind: 'district', id: '潼南区', label: '潼南区' };
const employment: DigestFilter = { kind: 'topic', id: 'employment', label: '就业' };

/** The fixture plus a newer article (2022-06-02) with two sections in 潼南区. */
function withNewerArticle() {
  const base = fixtureReport();
  const s1 = base.sections[1]!;
  return parseReport({
    ...base,
    articles: [...base.articles, { id: 'a2', source: '2022-06-02-tongnan.txt', date: '2022-06-02', title: '潼南新闻', subtitle: null, reporters: [], addedAt: '2022-06-02T10:00:00.000Z' }],
    sections: [
      ...base.sections,
      { ...s1, id: 'a2-s00-lead', articleId: 'a2', kind: 'lead', speaker: null, headline: '潼南新闻导语' },
      { ...s1, id: 'a2-s01-zhao', articleId: 'a2', headline: '赵六谈就业' },
    ],
  });
}

describe('When a chat asks for its digest', () => {
  it('the same chat, date and history always get the same digest', () => {
    const a = composeDigest(report, { chatId: 42, date: '2022-06-03', filter: null, history: [] });
    const b = composeDigest(report, { chatId: 42, date: '2022-06-03', filter: null, history: [] });
    expect(a).toEqual(b);
  });

  it('a new chat gets every section once, in reading order, and then one short line instead of an old section', () => {
    const history: string[] = [];
    for (let day = 0; day < 4; day++) history.push(composeDigest(report, { chatId: 7, date: '2022-06-03', filter: null, history })!.sectionId);
    // The continuation fragment is left out: it has neither headline nor speaker.
    expect(history).toEqual(['a1-s00-lead', 'a1-s01-wang', 'a1-s02-li', 'a1-s03-zhang']);
    const fifth = composeDigest(report, { chatId: 7, date: '2022-06-07', filter: null, history })!;
    expect(fifth.nothingNew).toBe(true);
    expect(fifth.sectionId).toBe(NOTHING_NEW);
    const html = renderDigestHtml(fifth);
    expect(html).toBe('📰 2022-06-07：没有新内容，有新报道时摘要会带来。');
    expect(validateTelegramHtml(html)).toEqual([]);
  });

  it('an article added later comes next, newest first, ahead of older sections still unread', () => {
    const r = withNewerArticle();
    const first = composeDigest(r, { chatId: 7, date: '2022-06-03', filter: null, history: ['a1-s00-lead'] })!;
    expect(first.sectionId).toBe('a2-s00-lead');
    expect(first.article).toEqual({ title: '潼南新闻', date: '2022-06-02' });
    expect(first.unread).toBe(4); // a2-s01 and the three a1 sections not had yet
    const history = ['a1-s00-lead', 'a2-s00-lead'];
    expect(pickSection(r, null, history)!.section!.id).toBe('a2-s01-zhao');
    history.push('a2-s01-zhao');
    expect(pickSection(r, null, history)!.section!.id).toBe('a1-s01-wang');
  });

  it('says how many new sections are still waiting, and when they are all read', () => {
    const d = composeDigest(report, { chatId: 1, date: '2022-06-03', filter: null, history: [] })!;
    expect(renderDigestHtml(d)).toContain('还有 3 段新内容');
    const last = composeDigest(report, { chatId: 1, date: '2022-06-03', filter: null, history: ['a1-s00-lead', 'a1-s01-wang', 'a1-s02-li'] })!;
    expect(renderDigestHtml(last)).toContain('新内容已看完');
  });

  it('a district filter only ever picks sections about that district, then says there is nothing new there', () => {
    const history: string[] = [];
    for (let day = 0; day < 2; day++) {
      const d = composeDigest(report, { chatId: 9, date: '2022-06-03', filter: tongnan, history })!;
      expect(['a1-s01-wang', 'a1-s03-zhang']).toContain(d.sectionId);
      history.push(d.sectionId);
    }
    expect(new Set(history).size).toBe(2);
    const done = composeDigest(report, { chatId: 9, date: '2022-06-05', filter: tongnan, history })!;
    expect(renderDigestHtml(done)).toBe('📰 2022-06-05：“潼南区”方面没有新内容，有新报道时摘要会带来。');
  });

  it('a resend of a nothing-new day repeats the line even if a section came in since', () => {
    const d = composeDigest(withNewerArticle(), { chatId: 1, date: '2022-06-03', filter: null, history: [], sectionId: NOTHING_NEW })!;
    expect(d.nothingNew).toBe(true);
  });

  it('a filter with nothing to offer yet yields the one nothing-new line, never an unrelated section', () => {
    const none: DigestFilter = { kind: 'topic', id: 'no-such-topic', label: '无' };
    expect(composeDigest(report, { chatId: 1, date: '2022-06-03', filter: none, history: [] })).toMatchObject({ nothingNew: true, sectionId: NOTHING_NEW, sentences: [] });
    const uncovered: DigestFilter = { kind: 'district', id: '城口县', label: '城口县' };
    expect(composeDigest(report, { chatId: 1, date: '2022-06-03', filter: uncovered, history: [] })?.nothingNew).toBe(true);
    expect(composeDigest({ ...report, sections: [] }, { chatId: 1, date: '2022-06-03', filter: null, history: [] })).toBeNull();
  });

  it('quotes the sentences with numbers first and keeps them in reading order', () => {
    const d = composeDigest(report, { chatId: 1, date: '2022-06-03', filter: employment, history: [], sectionId: 'a1-s01-wang' })!;
    expect(d.sentences.length).toBeGreaterThanOrEqual(2);
    expect(d.sentences.length).toBeLessThanOrEqual(3);
    expect(d.sentences[0]).toContain('1.2万个');
    expect(d.sentences).not.toContain('好。');
    expect(d.figures).toEqual(['1.2万个', '15%', '30场']);
    expect(d.speaker?.name).toBe('王一');
  });

  it('the 今日数字 is the same for every chat on a date and comes from the report', () => {
    const a = composeDigest(report, { chatId: 1, date: '2022-06-03', filter: null, history: [] })!;
    const b = composeDigest(report, { chatId: 2, date: '2022-06-03', filter: null, history: [] })!;
    const all = report.sections.flatMap((s) => s.figures.map((f) => f.text));
    expect(all).toContain(a.number?.text);
    const ofTheDay = numberOfTheDay(report, '2022-06-03')!;
    for (const d of [a, b]) expect(d.number).toEqual(d.figures.includes(ofTheDay.text) ? expect.anything() : ofTheDay);
    expect(a.figures).not.toContain(a.number?.text);
  });

  it('a section without headline or speaker is introduced by its topics and the people it names', () => {
    const base = fixtureReport();
    const r = parseReport({ ...base, sections: [{ ...base.sections[4]!, people: [{ name: '赵五', role: '主任', org: '某中心' }] }] });
    const html = renderDigestHtml(composeDigest(r, { chatId: 1, date: '2022-06-03', filter: null, history: [] })!);
    expect(html).toContain('<b>生态环境</b>');
    expect(html).toContain('提到：赵五（某中心主任）');
  });

  it('a pinned section (today\'s ledger row) wins over the rotation', () => {
    const d = composeDigest(report, { chatId: 1, date: '2022-06-03', filter: null, history: [], sectionId: 'a1-s02-li' })!;
    expect(d.sectionId).toBe('a1-s02-li');
  });
});

describe('When a filter has several words', () => {
  const known: Record<string, SingleFilter> = { 潼南: tongnan, 就业: employment, 岗位: employment, 巫溪: { kind: 'district', id: '巫溪县', label: '巫溪县' } };
  const read = (...words: string[]) => resolveFilterWords(words, (q) => known[q] ?? null, report);
  const ids = (words: string[]) => {
    const r = read(...words);
    if (!r.ok) throw new Error(JSON.stringify(r));
    return report.sections.filter((s) => matchesFilter(s, r.filter)).map((s) => s.id);
  };

  it('both words must match: 潼南 就业 is narrower than either', () => {
    expect(ids(['潼南'])).toEqual(['a1-s01-wang', 'a1-s03-zhang']);
    expect(ids(['潼南', '就业'])).toEqual(['a1-s01-wang', 'a1-s03-zhang']);
    expect(ids(['巫溪', '就业'])).toEqual([]);
  });

  it('-word and !word leave out the sections that match it, as plain text when it is no district or topic', () => {
    expect(ids(['就业', '-招聘'])).toEqual(['a1-s03-zhang']);
    expect(ids(['就业', '!高铁'])).toEqual(['a1-s01-wang']);
    expect(ids(['-潼南'])).toEqual(['a1-s00-lead', 'a1-s02-li', 'a1-s04-cont']);
  });

  it('excluding what is included reads the exclusion as a word, so the filter does not cancel itself', () => {
    expect(ids(['就业', '-岗位'])).toEqual(['a1-s03-zhang']);
  });

  it('a plain word matches the text (full-width and traditional folded), never as a pattern', () => {
    expect(ids(['碧水'])).toEqual(['a1-s02-li']);
    expect(ids(['碧水', '-.*'])).toEqual(['a1-s02-li']);
    expect(read('.*')).toEqual({ ok: false, unknown: '.*' });
  });

  it('one district or topic alone is the plain filter old subscriptions have', () => {
    expect(read('潼南')).toEqual({ ok: true, filter: tongnan });
    expect(combineTerms([{ ...employment, exclude: false }])).toEqual(employment);
  });

  it('refuses an empty exclusion, too many words, and a word found nowhere', () => {
    expect(read('-')).toEqual({ ok: false, empty: '-' });
    expect(read(...Array.from({ length: 9 }, (_, i) => `词${i}`))).toEqual({ ok: false, tooMany: 9 });
    expect(read('潼南', '火星')).toEqual({ ok: false, unknown: '火星' });
  });

  it('is shown back in words', () => {
    const r = read('潼南', '就业', '-招聘');
    expect(r.ok && describeFilter(r.filter)).toBe('只看同时涉及“潼南区”（区县）和“就业”（主题）的内容，不含“招聘”');
    expect(describeFilter(tongnan)).toBe('只看“潼南区”');
  });

  it('a word filter with nothing to offer yet waits for news (nothing new) rather than stopping', () => {
    const r = read('-潼南', '-巫溪', '-连日来');
    const filter = r.ok ? r.filter : null;
    expect(report.sections.filter((s) => matchesFilter(s, filter))).toEqual([]);
    expect(composeDigest(report, { chatId: 1, date: '2022-06-03', filter, history: [] })?.nothingNew).toBe(true);
  });
});

describe('When a digest is rendered for Telegram', () => {
  it('shows headline, speaker, 今日数字 and the footer commands as valid HTML', () => {
    const d = composeDigest(report, { chatId: 1, date: '2022-06-03', filter: tongnan, history: [], sectionId: 'a1-s01-wang' })!;
    const html = renderDigestHtml(d);
    expect(validateTelegramHtml(html)).toEqual([]);
    expect(html).toContain('稳岗就业');
    expect(html).toContain('王一');
    expect(html).toContain('今日数字');
    expect(html).toContain('/unsubscribe');
    expect(html).toContain('筛选：潼南区');
  });

  it('never exceeds 4,096 characters and stays valid for any text, however long or hostile', () => {
    const text = fc.string({ unit: fc.constantFrom('<', '>', '&', '"', '测', '试', '。', 'a', '😀', '1'), minLength: 1, maxLength: 3000 });
    fc.assert(
      fc.property(text, fc.array(text, { minLength: 1, maxLength: 4 }), (headline, paragraphs) => {
        const r = parseReport({
          ...report,
          sections: [{ ...report.sections[1]!, headline, paragraphs: paragraphs.map((p) => `${p}。`), figures: [] }],
        });
        const d = composeDigest(r, { chatId: 1, date: '2022-06-03', filter: null, history: [] })!;
        const html = renderDigestHtml(d);
        expect(html.length).toBeLessThanOrEqual(4096);
        expect(validateTelegramHtml(html)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

describe('When a user types a time', () => {
  it.each([
    ['07:30', 450], ['7:30', 450], ['7：05', 425], ['0:00', 0], ['23:59', 1439],
    ['7点', 420], ['7点半', 450], ['七点半', 450], ['七点零五', 425], ['7点05分', 425], ['7点15分', 435], ['下午3点', 900], ['晚上十一点', 1380], ['十二点', 720],
  ])('%s is %i minutes after midnight', (text, minutes) => {
    expect(parseTimeOfDay(text)).toBe(minutes);
  });

  it.each([
    ['晚上12点', 0], ['晚上12点半', 30], ['凌晨12点', 0], ['半夜十二点', 0], ['中午12点', 720],
    ['７：３０', 450], ['１８点', 1080],
    ['8:00pm', 1200], ['8pm', 1200], ['8:00 PM', 1200], ['7:30am', 450], ['12am', 0], ['12:30pm', 750], ['11p.m.', 1380],
  ])('%s (midnight, full-width or am/pm) is %i minutes after midnight', (text, minutes) => {
    expect(parseTimeOfDay(text)).toBe(minutes);
  });

  it.each(['25:00', '7:60', 'abc', '', '7', '24点', '潼南', '13pm', '0am'])('%s is not a time', (text) => {
    expect(parseTimeOfDay(text)).toBeNull();
  });

  it('formats minutes back as HH:MM', () => {
    expect(formatTimeOfDay(450)).toBe('07:30');
    expect(formatTimeOfDay(1439)).toBe('23:59');
  });
});

describe('When the clock is near midnight in Asia/Shanghai', () => {
  it('16:01 UTC is already 00:01 of the next day there', () => {
    expect(localDateTime(Date.parse('2022-06-03T16:01:00Z'), 'Asia/Shanghai')).toEqual({ date: '2022-06-04', minutes: 1 });
    expect(localDateTime(Date.parse('2022-06-03T15:59:00Z'), 'Asia/Shanghai')).toEqual({ date: '2022-06-03', minutes: 1439 });
  });

  it('the next send is tomorrow once today\'s digest went out', () => {
    expect(nextSend(480, { date: '2022-06-30', minutes: 600 }, true)).toEqual({ date: '2022-07-01', time: '08:00', today: false });
    expect(nextSend(480, { date: '2022-06-30', minutes: 300 }, false)).toEqual({ date: '2022-06-30', time: '08:00', today: true });
  });
});

describe('When /subscribe gets arguments', () => {
  it.each([
    ['', { ok: true, minutes: null, filterQuery: null, words: [] }],
    ['07:30 就业', { ok: true, minutes: 450, filterQuery: '就业', words: ['就业'] }],
    ['就业 7点半', { ok: true, minutes: 450, filterQuery: '就业', words: ['就业'] }],
    ['7点半潼南', { ok: true, minutes: 450, filterQuery: '潼南', words: ['潼南'] }],
    ['潼南', { ok: true, minutes: null, filterQuery: '潼南', words: ['潼南'] }],
    ['25:00', { ok: false, badTime: '25:00' }],
    ['abc', { ok: true, minutes: null, filterQuery: 'abc', words: ['abc'] }],
    ['７：３０', { ok: true, minutes: 450, filterQuery: null, words: [] }],
    ['８:００ 就业', { ok: true, minutes: 480, filterQuery: '就业', words: ['就业'] }],
    ['8:00pm', { ok: true, minutes: 1200, filterQuery: null, words: [] }],
    ['8:00 pm 潼南', { ok: true, minutes: 1200, filterQuery: '潼南', words: ['潼南'] }],
    ['晚上12点 就业', { ok: true, minutes: 0, filterQuery: '就业', words: ['就业'] }],
    ['13pm', { ok: false, badTime: '13pm' }],
    ['就业 潼南', { ok: true, minutes: null, filterQuery: '就业 潼南', words: ['就业', '潼南'] }],
    ['07:30 就业 -招聘', { ok: true, minutes: 450, filterQuery: '就业 -招聘', words: ['就业', '-招聘'] }],
    ['就业 ！招聘', { ok: true, minutes: null, filterQuery: '就业 !招聘', words: ['就业', '!招聘'] }],
  ])('%j is read as %j', (query, expected) => {
    expect(parseSubscribeArgs(query)).toEqual(expected);
  });
});

describe('When the 今日数字 is chosen', () => {
  it('prefers a number written in digits, with a unit, and captions it with its own clause, not the whole paragraph', () => {
    const base = fixtureReport();
    const r = parseReport({
      ...base,
      sections: [{ ...base.sections[1]!, paragraphs: ['全区建成五个中心，总投资达到2.6万亿元，带动就业，成效明显。'], figures: [
        { text: '五个', value: 5, unit: '个', qualifier: 'exact', context: '全区建成五个中心，总投资达到2.6万亿元，带动就业，成效明显。' },
        { text: '2.6万亿元', value: 2.6e12, unit: '元', qualifier: 'exact', context: '全区建成五个中心，总投资达到2.6万亿元，带动就业，成效明显。' },
      ] }],
    });
    for (const date of ['2022-06-03', '2022-06-04', '2022-06-05']) {
      expect(numberOfTheDay(r, date)).toEqual({ text: '2.6万亿元', context: '全区建成五个中心，总投资达到2.6万亿元' }); // a short clause keeps the one before it
    }
  });
});
