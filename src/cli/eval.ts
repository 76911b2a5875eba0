/**
 * `npm run eval -- ../shared/corpus`: ingest a corpus in a scratch directory and print, per article and in total,
 * how ingest and answers compare with the hand-made truth. `--misses` lists every miss; `--json` prints the totals.
 */
import { ratio, type ArticleScore, type Tally, type Totals } from '../eval/score.ts';
import { runEval } from '../eval/run.ts';

const pct = (t: Tally) => `${t.right}/${t.total} ${(ratio(t) * 100).toFixed(0)}%`;
const frac = (right: number, total: number) => `${right}/${total}`;

function row(s: ArticleScore): string {
  return [
    s.article.slice(0, 40).padEnd(40),
    `${frac(s.sections.right, s.sections.total)}${s.sectionsNear ? `+${s.sectionsNear}` : ''}${s.sectionCountRight ? '' : `(${s.sectionCount.ours})`}`.padEnd(11),
    `${frac(s.speakersExact.right, s.speakersExact.total)} ${frac(s.speakerNames.right, s.speakerNames.total)}`.padEnd(10),
    frac(s.people.right, s.people.total).padEnd(7),
    `${s.places.found}/${s.places.ours}/${s.places.truth}`.padEnd(9),
    `${s.districts.found}/${s.districts.ours}/${s.districts.truth}${s.unnamedDistrictTags ? ` !${s.unnamedDistrictTags}` : ''}`.padEnd(9),
    frac(s.figures.right, s.figures.total).padEnd(6),
    `${frac(s.questions.right, s.questions.total)}${s.questionsNear ? `+${s.questionsNear}` : ''}`,
  ].join(' ');
}

function summary(t: Totals): string[] {
  return [
    `articles                 ${t.articles}`,
    `sections right           ${pct(t.sectionsRight)} (+${t.sectionsNear} with a caption or kicker in front)`,
    `section count right      ${pct(t.sectionCountRight)}`,
    `speakers exact           ${pct(t.speakersExact)}`,
    `speaker names            ${pct(t.speakerNames)}`,
    `silent speaker errors    ${pct(t.silent)} (wrong or missing with no ingest warning on the section)`,
    `people recall            ${pct(t.people)}`,
    `places precision         ${pct(t.placesPrecision)}`,
    `places recall            ${pct(t.placesRecall)}`,
    `Chongqing districts      precision ${pct(t.districtsPrecision)}, recall ${pct(t.districtsRecall)}`,
    `tags the text never names ${t.unnamedDistrictTags}`,
    `figures right            ${pct(t.figures)}`,
    `questions right first    ${pct(t.questions)} (+${t.questionsNear} right section with a caption or kicker in front)`,
  ];
}

function main(argv: string[]): number {
  const corpus = argv.find((a) => !a.startsWith('--'));
  if (!corpus) {
    console.error('usage: npm run eval -- <corpus dir> [--misses] [--json]   (e.g. ../shared/corpus)');
    return 2;
  }
  const { scores, totals, warnings } = runEval(corpus);
  if (argv.includes('--json')) {
    console.log(JSON.stringify(totals));
    return 0;
  }
  console.log(`${'article'.padEnd(40)} ${'sections'.padEnd(11)} ${'speakers'.padEnd(10)} ${'people'.padEnd(7)} ${'places'.padEnd(9)} ${'cq'.padEnd(9)} ${'figs'.padEnd(6)} questions`);
  for (const s of scores) console.log(row(s));
  console.log('(sections right/truth+near(ours if count differs); speakers exact, by name; places and cq: found/ours/truth, !n tags the text never names)');
  console.log('');
  for (const line of summary(totals)) console.log(line);
  console.log(`ingest warnings          ${warnings.length}`);
  if (argv.includes('--misses')) {
    for (const s of scores) {
      if (s.misses.length === 0) continue;
      console.log(`\n${s.article}`);
      for (const m of s.misses) console.log(`  ${m}`);
    }
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(`eval failed: ${(err as Error).message}`);
  process.exitCode = 1;
}
