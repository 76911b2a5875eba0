// /topic: the report's topic taxonomy by name, synonym, traditional form, pinyin, homophone or typo; other words fall back to full text.
import type { Answer, Resolved } from '../answer.ts';
import { latinKey, pinyinKeys, syllables } from '../pinyin.ts';
import { TypoSearch } from '../typo-search.ts';
import type { Section } from '../report.ts';
import { keepMentionLists, kindRank, makeAnswer, makeResult, sentenceCounts, sentencesMentioning, type EngineContext } from './context.ts';
import { answerSearch } from './search.ts';

interface TopicEntry {
  id: string;
  name: string;
  keys: string[];
  full: string;
  initials: string;
  synonymFull: string[];
  /** Folded synonyms, used to pick and mark excerpt sentences. */
  terms: string[];
}

/** A count per section number (a Map, or layers of them once sections are added). */
export interface SectionCounts {
  get(section: number): number | undefined;
}

/** What /topic (and the digest's topic filter) looks up, built once per report. */
export interface TopicIndex {
  /** The taxonomy with folded and pinyin keys, in report order. */
  topics: TopicEntry[];
  /** Per topic id, its sections, strongest first; only topics some section is tagged with. */
  sections: Map<string, number[]>;
  /** Per topic id, per section, how many of its sentences name the topic or a synonym (the ranking's first key). */
  strength: Map<string, SectionCounts>;
  /** Chinese names and synonyms of three or more characters, for one-character typos. */
  keyFuse: TypoSearch<{ id: string; key: string }>;
  /** Over the pinyin of names and synonyms, for typos in typed pinyin. */
  pinyinFuse: TypoSearch<{ id: string; name: string; full: string; synonyms: string[] }>;
  /** Han-only names and synonyms syllable by syllable, so pinyin typed for part of one (`zhenxing`) maps back to characters. */
  termSyllables: { chars: string[]; syl: string[] }[];
}

/** Index the taxonomy once: keys, and each topic's sections ranked by how strongly they are about it. */
export function indexTopics(ctx: EngineContext): TopicIndex {
  const { sections, fkey, fnorm } = ctx;
  const topics: TopicEntry[] = ctx.report.topics.map((t) => {
    const pk = pinyinKeys(t.name);
    return {
      id: t.id,
      name: t.name,
      keys: [fkey(t.name), ...t.synonyms.map(fkey)],
      full: pk.full,
      initials: pk.initials,
      synonymFull: t.synonyms.map((s) => pinyinKeys(s).full),
      terms: [...new Set([t.name, ...t.synonyms].map(fnorm))],
    };
  });
  const topicSections = new Map<string, number[]>();
  sections.forEach((s, i) => {
    s.topics.forEach((t) => {
      const list = topicSections.get(t) ?? [];
      list.push(i);
      topicSections.set(t, list);
    });
  });
  // How strongly a section is about a topic: sentences naming the topic or a synonym (phrase lookups in the index).
  const topicStrength = new Map<string, SectionCounts>(topics.map((t) => [t.id, sentenceCounts(ctx, t.terms)]));
  for (const [id, list] of topicSections) rankTopicSections(sections, id, list, topicStrength.get(id));
  const keyFuse = new TypoSearch(
    topics.flatMap((t) => t.keys.filter((k) => [...k].length >= 3).map((k) => ({ id: t.id, key: k }))),
    { keys: ['key'], threshold: 0.3, includeScore: true },
  );
  const pinyinFuse = new TypoSearch(
    topics.map((t) => ({ id: t.id, name: t.name, full: t.full, synonyms: t.synonymFull })),
    { keys: ['full', 'synonyms'], threshold: 0.3, includeMatches: true },
  );
  // Han-only terms, where characters and syllables pair one to one (`5A` would not).
  const termSyllables = topics.flatMap((t) =>
    t.terms.filter((term) => /^\p{Script=Han}+$/u.test(term)).map((term) => ({ chars: [...term], syl: syllables(term) })),
  );
  return { topics, sections: topicSections, strength: topicStrength, keyFuse, pinyinFuse, termSyllables };
}

/** Sort a topic's sections in place: most sentences naming it first, then where it stands in the section's topics, then kind, then order. */
export function rankTopicSections(sections: readonly Section[], id: string, list: number[], strength: SectionCounts | undefined): void {
  list.sort(topicOrder(sections, id, strength));
}

/** The order of rankTopicSections, as a comparator of two section numbers. */
export function topicOrder(sections: readonly Section[], id: string, strength: SectionCounts | undefined): (a: number, b: number) => number {
  const hits = (i: number): number => strength?.get(i) ?? 0;
  const rank = (i: number): number => sections[i]?.topics.indexOf(id) ?? 99;
  return (a, b) => hits(b) - hits(a) || rank(a) - rank(b) || kindRank(sections[a]) - kindRank(sections[b]) || a - b;
}

/**
 * The topic a part of a name or synonym (`振兴` of 乡村振兴) stands for: only when one topic's terms hold it and the
 * report uses it mostly inside them. Everyday words (`发展` in 绿色发展 and 均衡发展, `工作` in 人大工作) stand for none.
 */
function topicHoldingPart(ctx: EngineContext, tx: TopicIndex, key: string): TopicEntry | null {
  const { index } = ctx;
  const holders = tx.topics.filter((t) => t.keys.some((k) => k.length >= 2 && k.includes(key)));
  const [only] = holders;
  if (!only || holders.length > 1) return null;
  const inTerms = only.terms.filter((term) => ctx.fkey(term).includes(key));
  const inside = new Set(inTerms.flatMap((term) => index.sentencesWith(term))).size;
  const anywhere = index.sentencesWith(key).length;
  return anywhere <= 2 * inside ? only : null;
}

/** Parts of topic names and synonyms whose pinyin is `latin`, syllable-aligned (`zhenxing` → 振兴, `fazhan` → 发展). */
function topicPartsByPinyin(tx: TopicIndex, latin: string): string[] {
  const parts = new Set<string>();
  for (const { chars, syl } of tx.termSyllables) {
    for (let i = 0; i < syl.length; i++) {
      let typed = '';
      for (let j = i; j < syl.length && typed.length < latin.length; j++) {
        typed += syl[j] ?? '';
        if (typed === latin && j > i) parts.add(chars.slice(i, j + 1).join(''));
      }
    }
  }
  return [...parts];
}

/** The topic a query names (name, synonym, part of one, pinyin, homophone or one-character typo), or null. */
export function resolveTopic(ctx: EngineContext, tx: TopicIndex, q: string): TopicEntry | null {
  const { topics } = tx;
  const key = ctx.fkey(q);
  if (!key) return null;
  // Exact name first, then a synonym (the topic where it is listed earliest wins), then containment.
  const byName = topics.find((t) => t.keys[0] === key);
  if (byName) return byName;
  let best: TopicEntry | null = null;
  let bestPos = Infinity;
  for (const t of topics) {
    const pos = t.keys.indexOf(key);
    if (pos > 0 && pos < bestPos) {
      best = t;
      bestPos = pos;
    }
  }
  if (best) return best;
  if ([...key].length >= 2) {
    // The query holds a name or synonym (`农业发展` → 农业): the longest one held wins.
    let held: TopicEntry | null = null;
    let heldLength = 0;
    for (const t of topics) {
      for (const k of t.keys) {
        if (k.length >= 2 && key.includes(k) && k.length > heldLength) {
          held = t;
          heldLength = k.length;
        }
      }
    }
    if (held) return held;
    if (topics.some((t) => t.keys.some((k) => k.length >= 2 && k.includes(key)))) return topicHoldingPart(ctx, tx, key);
  }
  const latin = latinKey(q);
  if (latin) {
    // The pinyin of a name or synonym, or the topic's English id (`employment`, `rural revitalization`).
    const exact = topics.find((t) => t.full === latin || t.initials === latin || t.synonymFull.includes(latin) || t.id.replace(/-/gu, '') === latin);
    if (exact) return exact;
    // Pinyin for part of a name or synonym: the same rule as for characters (`zhenxing` yes, `fazhan` no).
    const parts = topicPartsByPinyin(tx, latin);
    if (parts.length > 0) {
      const found = new Set(parts.map((part) => topicHoldingPart(ctx, tx, part)));
      return found.size === 1 ? ([...found][0] ?? null) : null;
    }
    if (latin.length >= 4) {
      // A typo in the pinyin of a whole name or synonym (`jiuyie`), not a match inside a longer one.
      const hit = tx.pinyinFuse.search(latin)[0];
      const whole = hit?.matches?.some((m) => Math.abs((m.value ?? '').length - latin.length) <= 2) ?? false;
      if (hit && whole) return topics.find((t) => t.id === hit.item.id) ?? null;
    }
    return null;
  }
  // A homophone of a topic name (`旧业` for 就业).
  const syl = syllables(key).join('');
  const homophone = topics.find((t) => t.full === syl);
  if (homophone) return homophone;
  // One wrong character in a name of three or more (`乡村振心`); shorter names would match too much.
  if ([...key].length >= 3) {
    const hit = tx.keyFuse.search(key)[0];
    if (hit && (hit.score ?? 1) <= 0.3) return topics.find((t) => t.id === hit.item.id) ?? null;
  }
  return null;
}

/** Answer /topic: the topic's sections, strongest first; a word that is no topic is searched as full text. */
export function answerTopic(ctx: EngineContext, tx: TopicIndex, q: string): Answer {
  const { topics } = tx;
  const topic = resolveTopic(ctx, tx, q);
  if (!topic) {
    // Pinyin for an everyday word (`fazhan`) searches its characters, as 发展 would.
    const latin = latinKey(q);
    const [word] = latin ? topicPartsByPinyin(tx, latin) : [];
    const text = answerSearch(ctx, word ?? q, 'topic');
    if (text.status === 'ok') {
      const said = word ? `“${q}”（${word}）` : `“${q}”`;
      return { ...text, query: q, message: `${said}不在话题分类中，以下是全文搜索结果。${text.message}`, suggestions: topics.map((t) => t.name) };
    }
    return makeAnswer('topic', q, 'no_match', `报道没有涉及“${q}”。可以试试这些话题：${topics.map((t) => t.name).join('、')}。`, { suggestions: topics.map((t) => t.name) });
  }
  const resolved: Resolved = { kind: 'topic', id: topic.id, label: topic.name };
  const list = tx.sections.get(topic.id) ?? [];
  if (list.length === 0) {
    return makeAnswer('topic', q, 'no_coverage', `报道没有涉及“${topic.name}”这个话题。`, { resolved, suggestions: topics.filter((t) => tx.sections.has(t.id)).map((t) => t.name) });
  }
  const ranked = typedFirst(ctx, topic, q, list);
  // A topic's terms are asked of its sections at every /topic: their sentence lists are decoded once per index.
  keepMentionLists(ctx, topic.terms);
  const results = ranked.slice(0, ctx.opts.maxResults).map((i, rank) => {
    const hits = sentencesMentioning(ctx, i, topic.terms);
    return makeResult(ctx, i, list.length - rank, hits, topic.terms, { mark: 'exact' });
  });
  return makeAnswer('topic', q, 'ok', `话题“${topic.name}”：报道中有 ${list.length} 段相关内容。`, { resolved, results });
}

/**
 * A topic asked for by one of its synonyms or a phrase holding one (`外贸`, `交通安全`, `外贸进出口` for 对外开放, 交通):
 * the sections that use the words typed come first, most sentences first, the topic's own order after. Asked by
 * its name, pinyin or a typo, the topic's order stands.
 */
function typedFirst(ctx: EngineContext, topic: TopicEntry, q: string, list: readonly number[]): readonly number[] {
  const key = ctx.fkey(q);
  if (!key || key === topic.keys[0]) return list;
  // The query itself, and the synonyms it is or holds (not the topic's name: every section of the topic has it).
  const typed = topic.keys.slice(1).filter((k) => k.length >= 2 && (k === key || key.includes(k)));
  if (typed.length === 0) return list;
  const counts = sentenceCounts(ctx, [...new Set([key, ...typed])]);
  const exact = sentenceCounts(ctx, [key]);
  const n = (i: number): number => (exact.get(i) ?? 0) * 1000 + (counts.get(i) ?? 0);
  // A stable sort: sections the typed words do not reach keep the topic's order, after those they do.
  return list.map((i, at) => ({ i, at, n: n(i) })).sort((a, b) => b.n - a.n || a.at - b.at).map((x) => x.i);
}
