import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/core/command.ts';

describe('parseCommandLine', () => {
  it('splits a command from its query', () => {
    expect(parseCommandLine('/district 潼南')).toEqual({ command: 'district', botName: null, query: '潼南' });
  });

  it('takes the bot name Telegram appends in groups', () => {
    expect(parseCommandLine('/district@SomeBot 潼南')).toEqual({ command: 'district', botName: 'SomeBot', query: '潼南' });
  });

  it('treats text without a command as a search', () => {
    expect(parseCommandLine('  潼南 柠檬 ')).toEqual({ command: 'search', botName: null, query: '潼南 柠檬' });
  });

  it('keeps an empty query empty', () => {
    expect(parseCommandLine('/topic')).toEqual({ command: 'topic', botName: null, query: '' });
  });

  it('lower-cases the command and reports unknown ones instead of throwing', () => {
    expect(parseCommandLine('/Figures 7316').command).toBe('figures');
    expect(parseCommandLine('/nonsense x')).toEqual({ command: 'nonsense', botName: null, query: 'x' });
  });

  it('reads a command typed straight into Chinese text, as Chinese keyboards often do', () => {
    expect(parseCommandLine('/district潼南')).toEqual({ command: 'district', botName: null, query: '潼南' });
    expect(parseCommandLine('/district@SomeBot潼南')).toEqual({ command: 'district', botName: 'SomeBot', query: '潼南' });
    expect(parseCommandLine('／person刘明 书记')).toEqual({ command: 'person', botName: null, query: '刘明 书记' });
  });

  it('does not split a longer Latin command: /districts is its own (unknown) command', () => {
    expect(parseCommandLine('/districts')).toEqual({ command: 'districts', botName: null, query: '' });
    expect(parseCommandLine('/districts潼南')).toEqual({ command: 'districts', botName: null, query: '潼南' });
  });

  it('accepts a full-width slash', () => {
    expect(parseCommandLine('／person 刘明').command).toBe('person');
  });

  it('reads a command typed in full-width letters, as a Chinese keyboard in full-width mode writes it', () => {
    expect(parseCommandLine('／ｄｉｓｔｒｉｃｔ 潼南')).toEqual({ command: 'district', botName: null, query: '潼南' });
    expect(parseCommandLine('／Ｆｉｇｕｒｅｓ　７３１６')).toEqual({ command: 'figures', botName: null, query: '７３１６' });
    expect(parseCommandLine('／ｄｉｓｔｒｉｃｔ＠ＳｏｍｅＢｏｔ潼南')).toEqual({ command: 'district', botName: 'SomeBot', query: '潼南' });
    expect(parseCommandLine('/ｔｏｐｉｃ_ｘ')).toEqual({ command: 'topic_x', botName: null, query: '' });
  });
});
