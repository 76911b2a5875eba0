import { z } from 'zod';

/** One row of data/chongqing-divisions.json: the city, an NBS grouping, a district/county, or a township. */
export const DivisionSchema = z.object({
  code: z.string().min(1),
  name: z.string().min(1),
  short: z.string().min(1).optional(),
  pinyin: z.string().optional(),
  type: z.string().optional(),
  level: z.enum(['province', 'prefecture', 'county', 'township']),
  parent: z.string().nullable(),
  alt: z.array(z.string().min(1)).optional(),
  note: z.string().optional(),
});
export type Division = z.infer<typeof DivisionSchema>;

/** The Chongqing gazetteer: 38 district/county units and their ~1,000 townships. */
export const GazetteerSchema = z.object({
  meta: z
    .object({
      /** Short names shared by several units (`江北` is a district and a 街道): short name → codes. */
      ambiguous_short_names: z.record(z.string(), z.array(z.string())).default({}),
    })
    .loose(),
  divisions: z.array(DivisionSchema).min(1),
});
export type Gazetteer = z.infer<typeof GazetteerSchema>;

/** Landmarks and other informal place names mapped to their district (data/place-aliases.json). */
export const PlaceAliasSchema = z.object({
  /** As people write it: `磁器口`, `西永`, `仙女山`. */
  name: z.string().min(1),
  /** Canonical district/county full name, e.g. `沙坪坝区`. */
  district: z.string().min(1),
});
export type PlaceAlias = z.infer<typeof PlaceAliasSchema>;

export const PlaceAliasesSchema = z.object({
  about: z.string().optional(),
  aliases: z.array(PlaceAliasSchema),
});
export type PlaceAliases = z.infer<typeof PlaceAliasesSchema>;
