import type { Report } from '../core/report.ts';

/**
 * The table `npm run ingest` ends with: one line per article (sections, speakers, people, places, figures and
 * how many warnings it had), so an editor sees at a glance which new article needs a look.
 */
export function summaryTable(report: Report, warnings: readonly string[]): string[] {
  const rows = report.articles.map((a) => {
    const sections = report.sections.filter((s) => s.articleId === a.id);
    const speakers = new Set(sections.flatMap((s) => (s.speaker ? [s.speaker.name] : [])));
    const people = new Set(sections.flatMap((s) => [...(s.speaker ? [s.speaker] : []), ...s.people].map((p) => p.name)));
    const places = new Set(sections.flatMap((s) => s.places.map((p) => p.name)));
    return [
      a.source,
      String(sections.length),
      String(speakers.size),
      String(people.size),
      String(places.size),
      String(sections.reduce((n, s) => n + s.figures.length, 0)),
      String(warnings.filter((w) => w.startsWith(`${a.source}:`)).length),
    ];
  });
  const header = ['article', 'sections', 'speakers', 'people', 'places', 'figures', 'warnings'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}
