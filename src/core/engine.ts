import type { Answer, SearchCommand } from './answer.ts';
import type { Gazetteer, PlaceAlias } from './gazetteer.ts';
import type { Report } from './report.ts';

/** Tunables of the search engine; defaults in DEFAULT_ENGINE_OPTIONS. */
export interface EngineOptions {
  /** Queries longer than this (in characters) are cut before answering. */
  maxQueryLength: number;
  /** Most results one answer carries. */
  maxResults: number;
  /** Most sentences joined into one result's excerpt. */
  maxExcerptSentences: number;
  /** Landmark aliases (data/place-aliases.json), mapped to districts. */
  placeAliases: readonly PlaceAlias[];
}

export const DEFAULT_ENGINE_OPTIONS: Readonly<EngineOptions> = Object.freeze({
  maxQueryLength: 200,
  maxResults: 20,
  maxExcerptSentences: 3,
  placeAliases: [],
});

export interface ResolvedFilter {
  kind: 'district' | 'topic';
  id: string;
  label: string;
}

export interface Engine {
  /** Answer one search command; never throws on user input (empty, huge, HTML, emoji, control chars). */
  answer(command: SearchCommand, query: string): Answer;
  /** Resolve a digest filter (`潼南`, `就业`, `tongnan`, `開州`) to a district or topic the report covers, else null. */
  resolveFilter(query: string): ResolvedFilter | null;
}

/** Build the search indexes over a report once; the returned engine answers commands synchronously. */
export function createEngine(report: Report, gazetteer: Gazetteer, options?: Partial<EngineOptions>): Engine {
  const opts: EngineOptions = { ...DEFAULT_ENGINE_OPTIONS, ...options };
  void report;
  void gazetteer;
  return {
    answer(command, query) {
      const q = query.trim().slice(0, opts.maxQueryLength);
      return { command, query: q, status: 'no_match', resolved: null, message: '搜索功能正在建设中。', suggestions: [], results: [] };
    },
    resolveFilter() {
      return null;
    },
  };
}
