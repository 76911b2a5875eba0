import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runEval } from '../../src/eval/run.ts';
import { ratio, type Tally } from '../../src/eval/score.ts';

// The 25 real articles with hand-made truth that sit beside the checkout (../shared/corpus). Their texts stay there;
// this test only holds the totals where ingest has brought them, so they can go up but never quietly down.
const corpus = '../shared/corpus';
const present = existsSync(`${corpus}/articles`);
if (!present) console.warn(`skipping the corpus evaluation: ${corpus} is not beside the checkout`);

/** At least `floor` right, as counts (so one more article never hides a lost item behind a percentage). */
const atLeast = (t: Tally, floor: number) => expect(t.right, `${t.right}/${t.total}`).toBeGreaterThanOrEqual(floor);

describe.skipIf(!present)('Ingest and answers on the real-article corpus', () => {
  const { totals, warnings } = runEval(corpus);

  it('ingests every article: none is skipped, and the guesses are said', () => {
    expect(totals.articles).toBe(25);
    expect(warnings.filter((w) => w.includes('skipped'))).toEqual([]);
  });

  it('cuts the sections the truth has, and as many of them', () => {
    atLeast(totals.sectionsRight, 78);
    atLeast(totals.sectionCountRight, 25);
  });

  it('names speakers with their role and organisation, and finds the people named', () => {
    atLeast(totals.speakersExact, 51);
    atLeast(totals.speakerNames, 52);
    atLeast(totals.people, 121);
  });

  it('finds the places the articles name, by official division, and tags no section with a place it does not name', () => {
    atLeast(totals.placesRecall, 137);
    expect(ratio(totals.placesRecall)).toBeGreaterThanOrEqual(0.9);
    expect(ratio(totals.placesPrecision)).toBeGreaterThanOrEqual(0.845);
    atLeast(totals.districtsRecall, 6);
    expect(totals.districtsPrecision.right).toBe(totals.districtsPrecision.total);
    expect(totals.unnamedDistrictTags).toBe(0);
  });

  it('reads figures with exact values and their units', () => {
    atLeast(totals.figures, 94);
  });

  it('answers the natural questions with the right section first', () => {
    atLeast(totals.questions, 141);
    expect(ratio(totals.questions)).toBeGreaterThanOrEqual(0.9);
  });
});
