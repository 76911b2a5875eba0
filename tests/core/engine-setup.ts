import { loadEngine } from '../../src/load-engine.ts';
import type { Report, Section } from '../../src/core/report.ts';

let cached: ReturnType<typeof loadEngine> | null = null;

/** The engine over the real data/report.json, built once per test file. */
export function realEngine(): ReturnType<typeof loadEngine> {
  cached ??= loadEngine('data');
  return cached;
}

/** How a test names the section it expects, without hard-coding slugs. */
export type SectionRef =
  | { speaker: string; org?: string }
  | { person: string }
  | { kind: 'lead' | 'continuation'; text: string };

/** Find the one section a reference names; throws if none or several match, so the test says which. */
export function findSection(report: Report, ref: SectionRef): Section {
  const found = report.sections.filter((s) => {
    if ('speaker' in ref) return s.speaker?.name === ref.speaker && (ref.org === undefined || s.speaker.org.includes(ref.org));
    if ('person' in ref) return s.people.some((p) => p.name === ref.person) || s.speaker?.name === ref.person;
    return s.kind === ref.kind && s.paragraphs.some((p) => p.includes(ref.text));
  });
  if (found.length !== 1) throw new Error(`expected one section for ${JSON.stringify(ref)}, found ${found.length}`);
  return found[0] as Section;
}
