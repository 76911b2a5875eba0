import { z } from 'zod';
import { FigureSchema, PersonSchema } from './report.ts';

/** The search commands the core answers. */
export const SearchCommandSchema = z.enum(['district', 'topic', 'person', 'figures', 'search']);
export type SearchCommand = z.infer<typeof SearchCommandSchema>;

/** A [start, end) range of characters in `excerpt` to mark as matched. */
export const HighlightSchema = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);
export type Highlight = z.infer<typeof HighlightSchema>;

export const AnswerResultSchema = z.object({
  /** Id of the section in data/report.json. */
  sectionId: z.string(),
  /** How strongly the section matches by its command's own measure; never rises along `results` (see below). */
  score: z
    .number()
    .describe(
      'How strongly the section matches, by the command\'s own measure: higher is stronger, comparable only within one answer. ' +
        'Results come in rank order and score never rises along them, so sorting by score keeps the order.',
    ),
  speaker: PersonSchema.nullable(),
  headline: z.string().nullable(),
  /** What to call the result when it has no headline (`（上接1版）人大、党建` for a continuation fragment). */
  title: z.string().optional(),
  /** Which article the section comes from (`2025-01-02 《代表之声》`), once the report holds several. */
  article: z.string().optional(),
  /** The sentences that matched, joined; plain text (renderers escape it). */
  excerpt: z.string(),
  highlights: z.array(HighlightSchema),
  figures: z.array(FigureSchema),
});
export type AnswerResult = z.infer<typeof AnswerResultSchema>;

/**
 * What the query resolved to: a district, topic or person, or nothing.
 * `label` is what the user is shown (`潼南区`, `就业`, `张三（某某局处长）`).
 */
export const ResolvedSchema = z.object({
  kind: z.enum(['district', 'township', 'landmark', 'topic', 'person', 'figure', 'text']),
  id: z.string(),
  label: z.string(),
});
export type Resolved = z.infer<typeof ResolvedSchema>;

export const AnswerStatusSchema = z.enum([
  'ok', // results found
  'usage', // empty query: message says how to use the command
  'no_match', // nothing matched
  'no_coverage', // a real entity (district/topic) the report does not cover
  'not_chongqing', // a place outside Chongqing
  'ambiguous', // several candidates: suggestions list them
]);
export type AnswerStatus = z.infer<typeof AnswerStatusSchema>;

/** Rendering-neutral answer to one command: renderers turn it into Telegram HTML, plain text or JSON. */
export const AnswerSchema = z.object({
  command: SearchCommandSchema,
  /** The query after trimming (and truncating very long input). */
  query: z.string(),
  status: AnswerStatusSchema,
  resolved: ResolvedSchema.nullable(),
  /** A sentence for the user: what was understood, or why nothing came back and what to try. */
  message: z.string(),
  /** Things the user could type instead (district names, topics, example commands). */
  suggestions: z.array(z.string()),
  results: z.array(AnswerResultSchema).describe('The sections found, in rank order, best first.'),
  /** True when nothing matched the query itself and the results are only close to it (a looser fallback). */
  approximate: z.boolean().optional(),
});
export type Answer = z.infer<typeof AnswerSchema>;
