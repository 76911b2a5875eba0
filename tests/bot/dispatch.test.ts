import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS, botCommandLists, type CommandSpec } from '../../src/bot/commands.ts';
import { encodeStartParameter } from '../../src/bot/deep-link.ts';
import { dispatch, likelyAnswer, replyPages, replyPlain } from '../../src/bot/dispatch.ts';
import { loadEngine } from '../../src/load-engine.ts';
import { MAX_MESSAGE_CHARS } from '../../src/render/html.ts';
import { validateTelegramHtml } from '../../src/render/telegram-html.ts';
import { REPORT, scriptedEngine } from './support.ts';

describe('dispatch', () => {
  const engine = scriptedEngine();

  it('sends each search command to the engine with its query', () => {
    const reply = dispatch('/figures  投资 ', engine);
    expect(reply).toMatchObject({ kind: 'answer', answer: { command: 'figures', query: '投资' } });
  });

  it('treats /cmd@AnyBot like /cmd (the gate already dropped other bots)', () => {
    expect(dispatch('/topic@report_test_bot 就业', engine)).toMatchObject({ kind: 'answer', answer: { command: 'topic', query: '就业' } });
  });

  it('treats upper-case commands and the full-width slash as commands', () => {
    expect(dispatch('/DISTRICT 潼南', engine)).toMatchObject({ kind: 'answer', answer: { command: 'district' } });
    expect(dispatch('／about', engine)).toEqual({ kind: 'about' });
  });

  it('reads commands typed in full-width letters like the rest of the text', () => {
    expect(dispatch('／ｄｉｓｔｒｉｃｔ 潼南', engine)).toMatchObject({ kind: 'answer', answer: { command: 'district', query: '潼南' } });
    expect(dispatch('／ＨＥＬＰ', engine)).toEqual({ kind: 'help' });
  });

  it('greets on 你好, hello and an empty mention', () => {
    for (const text of ['你好', '您好！', 'Hello', '']) expect(dispatch(text, engine)).toEqual({ kind: 'start' });
  });

  it('hands commands of other features (digest) to them', () => {
    const commands: CommandSpec[] = [...COMMANDS, { command: 'subscribe', description: 'Daily digest', zh: '订阅每日摘要', usage: '/subscribe 潼南', feature: 'digest' }];
    expect(dispatch('/subscribe 潼南', engine, commands)).toMatchObject({ kind: 'elsewhere', query: '潼南', spec: { command: 'subscribe' } });
    expect(replyPlain(dispatch('/subscribe', engine, commands), REPORT, commands)).toContain('只能在 Telegram 中使用');
  });

  it('reports unknown commands', () => {
    expect(dispatch('/weather 潼南', engine)).toEqual({ kind: 'unknown', command: 'weather' });
  });

  it('opens a deep link (/start district-…) on its answer, and greets on any other start parameter', () => {
    expect(dispatch(`/start ${encodeStartParameter('district', '潼南')}`, engine)).toMatchObject({ kind: 'answer', answer: { command: 'district', query: '潼南' } });
    expect(dispatch('/start@report_test_bot topic-5bCx5Lia', engine)).toMatchObject({ kind: 'answer', answer: { command: 'topic', query: '就业' } });
    for (const other of ['/start', '/start inline', '/start flood', '/start weather-5r285Y2X']) expect(dispatch(other, engine)).toEqual({ kind: 'start' });
  });

  it('keeps plain text a full-text search unless asked to guess', () => {
    expect(dispatch('潼南', engine)).toMatchObject({ kind: 'answer', answer: { command: 'search' } });
  });
});

describe('A bare word, when the bot has to guess the command', () => {
  const { engine } = loadEngine('data');
  it.each([
    ['潼南', 'district'], ['tongnan', 'district'], ['潼楠', 'district'], ['開州', 'district'], ['仙女山', 'district'],
    ['就业', 'topic'], ['jiuye', 'topic'],
    ['刘明', 'person'], ['liuming', 'person'],
    ['7316', 'figures'], ['26000亿', 'figures'],
    ['侧面碰撞', 'search'], ['乡村 振兴', 'search'],
  ])('%s goes to /%s', (word, command) => {
    const answer = likelyAnswer(word, engine);
    expect(answer.command).toBe(command);
    expect(answer.results.length).toBeGreaterThan(0);
    expect(dispatch(word, engine, COMMANDS, { guess: true })).toMatchObject({ kind: 'answer', answer: { command } });
  });

  it('a district the report does not cover says so rather than showing near misses', () => {
    expect(likelyAnswer('城口', engine)).toMatchObject({ command: 'district', status: 'no_coverage' });
  });

  it('a word nothing knows is a full-text search with no results', () => {
    expect(likelyAnswer('xyzzy', engine)).toMatchObject({ command: 'search', status: 'no_match', results: [] });
  });
});

describe('the command registry', () => {
  it('gives setMyCommands valid lists in English and Chinese', () => {
    const lists = botCommandLists();
    expect(lists.default.map((c) => c.command)).toEqual(lists.zh.map((c) => c.command));
    for (const c of [...lists.default, ...lists.zh]) {
      expect(c.command).toMatch(/^[a-z0-9_]{1,32}$/);
      expect(c.description.length).toBeGreaterThanOrEqual(1);
      expect(c.description.length).toBeLessThanOrEqual(256);
    }
    expect(new Set(COMMANDS.map((c) => c.command)).size).toBe(COMMANDS.length);
  });

  it('has a usage example starting with its own command', () => {
    for (const c of COMMANDS) expect(c.usage.startsWith(`/${c.command}`)).toBe(true);
  });
});

describe('Against the real report and engine', () => {
  const { report, engine } = loadEngine('data');
  const commandLine = fc.tuple(
    fc.constantFrom('', '/district ', '/topic ', '/person ', '/figures ', '/search ', '/about', '/help', '/start ', '/nope ', '/district@x '),
    fc.oneof(
      fc.string({ maxLength: 50 }),
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.constantFrom('潼南', '<b>&x</i>', '😀', '\u0000', '重庆'.repeat(4000), '2.6万亿元', '北京', 'tongnan', '開州'),
    ),
  ).map(([cmd, q]) => cmd + q);

  it('every reply to any input is valid Telegram HTML within 4,096 characters', () => {
    fc.assert(
      fc.property(commandLine, (line) => {
        for (const page of replyPages(dispatch(line, engine), report)) {
          expect(page.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
          expect(validateTelegramHtml(page)).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('Plain text in a private chat', () => {
  it('is a full-text search, and when that finds nothing itself, the command the words most likely mean (tongnan, 潼楠)', async () => {
    const { loadEngine } = await import('../../src/load-engine.ts');
    const { engine } = loadEngine('data');
    const pinyin = dispatch('tongnan', engine);
    expect(pinyin.kind === 'answer' && [pinyin.answer.command, pinyin.answer.resolved?.label]).toEqual(['district', '潼南区']);
    const typo = dispatch('潼楠', engine);
    expect(typo.kind === 'answer' && typo.answer.command).toBe('district');
    const words = dispatch('刘明', engine);
    expect(words.kind === 'answer' && words.answer.command).toBe('search');
  });
});

describe('Queries people type, tried as a new user would', () => {
  const { engine } = loadEngine('data');
  const answerOf = (text: string) => {
    const reply = dispatch(text, engine);
    if (reply.kind !== 'answer') throw new Error(`expected an answer to ${text}, got ${reply.kind}`);
    return reply.answer;
  };
  const sections = (text: string) => answerOf(text).results.map((r) => r.sectionId);

  it('English and spaced pinyin, with generic words around them, reach the answers their Chinese does', () => {
    expect(sections('Tongnan district')).toEqual(engine.answer('district', '潼南').results.map((r) => r.sectionId));
    expect(sections('Chongqing employment')).toEqual(engine.answer('topic', '就业').results.map((r) => r.sectionId));
    expect(sections('sha ping ba')).toEqual(engine.answer('district', '沙坪坝').results.map((r) => r.sectionId));
    expect(sections('Kai xian')).toEqual(engine.answer('district', '开县').results.map((r) => r.sectionId));
    expect(answerOf('Tongnan district').query).toBe('Tongnan district');
  });

  it('two words of which only one is in the report say which one matched', () => {
    const answer = answerOf('潼南 就业');
    expect(answer.message).toContain('只匹配到“潼南”');
    expect(answer.approximate).toBe(true);
    // The words of one section found apart in it count as both matched.
    expect(answerOf('/search 潼南 柠檬').message).not.toContain('只匹配到');
  });

  it('a mistyped command is not run, and the reply names the command it resembles with the query', () => {
    const reply = dispatch('/distrct 潼南', engine);
    expect(reply).toEqual({ kind: 'unknown', command: 'distrct', suggestion: '/district 潼南' });
    expect(replyPlain(reply, REPORT)).toContain('/district 潼南');
    expect(dispatch('/topics 就业', engine)).toMatchObject({ suggestion: '/topic 就业' });
    // Nothing near enough: no guess.
    expect(dispatch('/weather 潼南', engine)).toEqual({ kind: 'unknown', command: 'weather' });
  });
});
