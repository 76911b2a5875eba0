import { z } from 'zod';

/** A person as the corpus truth writes them (role and org may be empty). */
const TruthPersonSchema = z.object({ name: z.string().min(1), role: z.string(), org: z.string() });

/** One hand-made ground truth file (`corpus/truth/<article>.json`); see the corpus README for each field. */
export const TruthSchema = z.object({
  title: z.string(),
  sections: z.array(
    z.object({
      heading: z.string().nullable(),
      speaker: TruthPersonSchema.nullable(),
      first_chars: z.string().min(1),
    }),
  ),
  people: z.array(TruthPersonSchema),
  /** One entry per division; an `optional` one (a chain's qualifier, a place inside an institution's name) is neither required nor wrong. */
  places: z.array(z.object({ name: z.string(), division: z.string().min(1), level: z.string(), optional: z.boolean().default(false) })),
  figures: z.array(z.object({ text: z.string(), value: z.number(), unit: z.string() })),
  questions: z.array(z.object({ ask: z.string().min(1), expect_first_chars: z.string().min(1) })),
});
export type Truth = z.infer<typeof TruthSchema>;
export type TruthPerson = z.infer<typeof TruthPersonSchema>;
