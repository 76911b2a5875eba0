import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { AnswerSchema } from '../../src/core/answer.ts';
import { ask, parseAskArgs } from '../../src/cli/ask.ts';
import { findSection, realEngine } from '../core/engine-setup.ts';

const tsx = 'node_modules/.bin/tsx';

function runAsk(args: string[], input?: string): string {
  return execFileSync(tsx, ['src/cli/ask.ts', ...args], { encoding: 'utf8', input, timeout: 20_000 });
}

describe('parseAskArgs', () => {
  it('reads --json, --data and the command lines in order', () => {
    expect(parseAskArgs(['--json', '--data', 'x', '/district 潼南', '/topic 就业'])).toEqual({
      json: true,
      schema: false,
      dataDir: 'x',
      commands: ['/district 潼南', '/topic 就业'],
    });
  });
});

describe('ask', () => {
  const { engine } = realEngine();

  it('answers text without a command as a search', () => {
    expect(ask(engine, '归原小镇').command).toBe('search');
  });

  it('answers an unknown command with the list of commands, not a throw', () => {
    const answer = ask(engine, '/weather 潼南');
    expect(answer.status).toBe('usage');
    expect(answer.message).toContain('/district');
  });

  it('ignores the bot name Telegram appends', () => {
    expect(ask(engine, '/district@ReportBot 潼南').resolved?.id).toBe('潼南区');
  });
});

describe('npm run ask', () => {
  const { report } = realEngine();

  it('prints the plain-text reply for one command', () => {
    const out = runAsk(['/district 潼南']);
    expect(out).toContain('潼南区');
    expect(out).toContain('刘红光');
  });

  it('prints one JSON answer per command with --json, section ids in rank order', () => {
    const lines = runAsk(['--json', '/district 潼南', '/figures 7316']).trim().split('\n');
    expect(lines).toHaveLength(2);
    const [district, figures] = lines.map((l) => AnswerSchema.parse(JSON.parse(l)));
    expect(district?.results[0]?.sectionId).toBe(findSection(report, { speaker: '刘红光' }).id);
    expect(figures?.results[0]?.sectionId).toBe(findSection(report, { speaker: '崔松柏' }).id);
  });

  it('prints the JSON schema of an answer with --schema, saying that results come in rank order and what score means', () => {
    const schema = JSON.parse(runAsk(['--schema'])) as { properties: { results: { description?: string; items: { properties: { score: { description?: string } } } } } };
    const results = schema.properties.results;
    expect(results.description).toMatch(/rank order, best first/);
    expect(results.items.properties.score.description).toMatch(/never rises along them/);
  });

  it('gives scores that never rise along the results, so sorting by score keeps the rank (/district 西永 too)', () => {
    const lines = runAsk(['--json'], '/district 西永\n/district 潼南\n/person 刘\n/topic 就业\n/figures 42%\n/search 党代会\n').trim().split('\n');
    for (const answer of lines.map((l) => AnswerSchema.parse(JSON.parse(l)))) {
      const scores = answer.results.map((r) => r.score);
      expect(scores, `${answer.command} ${answer.query}`).toEqual([...scores].sort((a, b) => b - a));
    }
  });

  it('reads one command per line from standard input and answers each in order', () => {
    const lines = runAsk(['--json'], '/person 黎勇\n\n/district 北京\n/topic\n').trim().split('\n');
    const answers = lines.map((l) => AnswerSchema.parse(JSON.parse(l)));
    expect(answers.map((a) => [a.command, a.status])).toEqual([
      ['person', 'ok'],
      ['district', 'not_chongqing'],
      ['topic', 'usage'],
    ]);
  });

  it('fails with a message naming the missing file when the data directory has no report', () => {
    expect(() => execFileSync(tsx, ['src/cli/ask.ts', '--data', 'no-such-dir', '/topic 就业'], { encoding: 'utf8', stdio: 'pipe' })).toThrow(/report\.json/);
  });
});
