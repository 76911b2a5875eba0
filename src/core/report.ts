import { z } from 'zod';

/** A number as written in the article, normalised to plain units (2.6万亿元 → 2600000000000, unit 元). */
export const FigureSchema = z.object({
  /** Exactly as written, e.g. `2.6万亿元`, `三分之一`, `3—5个`. */
  text: z.string().min(1),
  /** Plain-unit value; for a range, its lower end. Fractions stay fractions (三分之一 → 0.3333…). */
  value: z.number().finite(),
  /** Upper end of a range (`3—5个` → 5); absent otherwise. */
  valueMax: z.number().finite().optional(),
  /** `元`, `%`, `台`, `人次`, `个`, `名`, `分钟`, `公里`… or `` for a bare ratio. */
  unit: z.string(),
  /** How to read the value: exact, a lower bound (`2/3以上`), a rough amount (`数百名`), or a range. */
  qualifier: z.enum(['exact', 'atLeast', 'approx', 'range']).default('exact'),
  /** The whole sentence the figure stands in; a substring of one of the section's paragraphs or of its headline. */
  context: z.string().min(1),
});
export type Figure = z.infer<typeof FigureSchema>;

export const PersonSchema = z.object({
  name: z.string().min(1),
  role: z.string(),
  org: z.string(),
});
export type Person = z.infer<typeof PersonSchema>;

/** How a person is named everywhere: `张三（某某局处长）`, or just the name when org and role are unknown. */
export function personLabel(person: Person): string {
  const title = `${person.org}${person.role}`.trim();
  return title ? `${person.name}（${title}）` : person.name;
}

export const PlaceSchema = z.object({
  /** The place as named in the text (`满月镇`, `永川`, `磁器口`, `成都`, `成都高新区`). */
  name: z.string().min(1),
  /** Official full name of its division (`重庆市开州区满月镇`, `四川省成都市`, `湖北省`); a landmark's is the place it lies in. */
  division: z.string().min(1),
  /** NBS code of that division (`500154126`, `5101`, `42`); a township outside Chongqing has its county's (the national data stops at counties). */
  code: z.string().regex(/^\d+$/u, 'must be an NBS code (digits)'),
  /** For a place in Chongqing only: its district/county (`开州区`), or `重庆市` for the city as a whole. */
  district: z.string().min(1).optional(),
});
export type Place = z.infer<typeof PlaceSchema>;

export const SectionKindSchema = z.enum(['lead', 'speaker', 'continuation']);
export type SectionKind = z.infer<typeof SectionKindSchema>;

export const SectionSchema = z.object({
  /** Stable slug, unique in the report: article file name + speaker pinyin, e.g. `2030-01-15-some-story-wang-jian-guo`. */
  id: z.string().regex(/^[a-z0-9-]+$/, 'must be a lower-case slug'),
  /** Which article (of `articles`) the section comes from. */
  articleId: z.string().min(1),
  kind: SectionKindSchema,
  /** The full heading line `机构职务姓名：标题`, or null for lead/continuation sections. */
  heading: z.string().nullable(),
  /** The text after the heading's colon, or null. */
  headline: z.string().nullable(),
  /** Who speaks in this section, or null (continuation fragments). */
  speaker: PersonSchema.nullable(),
  /** Other people named in the section (quoted officials etc.), without the speaker. */
  people: z.array(PersonSchema).default([]),
  /** Canonical district names (`潼南区`, `巫溪县`, `重庆市`), the section's subject first. */
  districts: z.array(z.string().min(1)),
  places: z.array(PlaceSchema),
  /** Topic ids from data/topics.json, strongest first. */
  topics: z.array(z.string().min(1)),
  /** Repaired text: page breaks stitched, repeated characters removed. */
  paragraphs: z.array(z.string().min(1)).min(1),
  figures: z.array(FigureSchema),
  /** Continuation fragments: the page the story started on (`1版`). */
  continuesFrom: z.string().optional(),
  /** Paragraphs that are inline sub-headings rather than running text. */
  subheadings: z.array(z.string()).optional(),
  /** Photo captions and credits, data sources and layout credits printed with the section (not running text). */
  captions: z.array(z.string()).optional(),
  /** What ingest had to guess about this section (a speaker it could not place, a name without a post), for an editor. */
  warnings: z.array(z.string()).optional(),
});
export type Section = z.infer<typeof SectionSchema>;

export const ArticleSchema = z.object({
  id: z.string().min(1),
  /** File name under data/raw/. */
  source: z.string().min(1),
  /** Publication date `YYYY-MM-DD` (from the file name), or null when unknown. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().default(null),
  title: z.string().min(1),
  subtitle: z.string().nullable(),
  reporters: z.array(z.string().min(1)),
  /** When the running bot took the article in (ISO time); absent for articles built by `npm run ingest`. */
  addedAt: z.string().optional(),
  /** When a corrected version replaced an earlier one (ISO time); /latest marks it 已更新. */
  updatedAt: z.string().optional(),
});
export type Article = z.infer<typeof ArticleSchema>;

export const TopicSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string().min(1),
  synonyms: z.array(z.string().min(1)),
});
export type Topic = z.infer<typeof TopicSchema>;

export const ReportSchema = z
  .object({
    /** Title/subtitle/reporters of the newest article: the report's face. */
    title: z.string().min(1),
    subtitle: z.string().nullable(),
    reporters: z.array(z.string().min(1)),
    articles: z.array(ArticleSchema).min(1),
    /** The taxonomy the sections were tagged with, so the bot needs no second file. */
    topics: z.array(TopicSchema),
    sections: z.array(SectionSchema).min(1),
  })
  .superRefine((report, ctx) => {
    const ids = new Set<string>();
    const topicIds = new Set(report.topics.map((t) => t.id));
    report.sections.forEach((section, i) => {
      if (ids.has(section.id)) {
        ctx.addIssue({ code: 'custom', path: ['sections', i, 'id'], message: `duplicate section id "${section.id}"` });
      }
      ids.add(section.id);
      section.topics.forEach((t, j) => {
        if (!topicIds.has(t)) ctx.addIssue({ code: 'custom', path: ['sections', i, 'topics', j], message: `unknown topic "${t}"` });
      });
      section.figures.forEach((f, j) => {
        if (![...section.paragraphs, section.headline ?? ''].some((p) => p.includes(f.context))) {
          ctx.addIssue({ code: 'custom', path: ['sections', i, 'figures', j, 'context'], message: 'context is not a substring of any paragraph or the headline' });
        }
      });
    });
  });
export type Report = z.infer<typeof ReportSchema>;

/** Thrown when a report does not match the schema; the message names each bad field's path. */
export class ReportValidationError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid report:\n  ${issues.join('\n  ')}`);
    this.name = 'ReportValidationError';
  }
}

/** `['sections', 3, 'figures', 0, 'value']` → `sections[3].figures[0].value`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** Validate parsed JSON as a report; throws ReportValidationError naming every bad field. */
export function parseReport(data: unknown): Report {
  const result = ReportSchema.safeParse(data);
  if (result.success) return result.data;
  throw new ReportValidationError(result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`));
}
