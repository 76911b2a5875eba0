import { describe, expect, it } from 'vitest';
import type { Message } from 'telegraf/types';
import { addressedText } from '../../src/bot/gate.ts';

const me = { id: 99, username: 'ReportBot' };

function msg(text: string, chat: 'private' | 'group' | 'supergroup' = 'supergroup', extra: Partial<Message.TextMessage> = {}): Message.TextMessage {
  return { message_id: 1, date: 1, chat: chat === 'private' ? { id: 5, type: 'private', first_name: 'a' } : { id: -5, type: chat, title: 'g' }, from: { id: 5, is_bot: false, first_name: 'a' }, text, ...extra } as Message.TextMessage;
}

describe('Which messages are for the bot', () => {
  it('everything in a private chat', () => {
    expect(addressedText(msg('潼南', 'private'), me)).toEqual({ text: '潼南', explicit: true });
  });

  it('in groups: /cmd (not explicit), /cmd@ThisBot in any case (explicit), not /cmd@OtherBot', () => {
    expect(addressedText(msg('/district 潼南'), me)).toEqual({ text: '/district 潼南', explicit: false });
    expect(addressedText(msg('/district@reportbot 潼南'), me)).toEqual({ text: '/district@reportbot 潼南', explicit: true });
    expect(addressedText(msg('/district@OtherBot 潼南'), me)).toBeNull();
    expect(addressedText(msg('/district@OtherBot 潼南', 'private'), me)).toBeNull();
  });

  it('in groups: reads a command and bot name typed in full-width letters', () => {
    expect(addressedText(msg('／ｄｉｓｔｒｉｃｔ 潼南'), me)).toEqual({ text: '／ｄｉｓｔｒｉｃｔ 潼南', explicit: false });
    expect(addressedText(msg('／ｄｉｓｔｒｉｃｔ＠ＲｅｐｏｒｔＢｏｔ 潼南'), me)).toEqual({ text: '／ｄｉｓｔｒｉｃｔ＠ＲｅｐｏｒｔＢｏｔ 潼南', explicit: true });
    expect(addressedText(msg('／ｄｉｓｔｒｉｃｔ＠ＯｔｈｅｒＢｏｔ 潼南'), me)).toBeNull();
    expect(addressedText(msg('/district@ＯｔｈｅｒＢｏｔ 潼南', 'private'), me)).toBeNull();
  });

  it('in groups: a bare /cmd only when the bot has that command, since others may be for other bots', () => {
    expect(addressedText(msg('/weather'), me)).toBeNull();
    expect(addressedText(msg('/roll 2d6'), me)).toBeNull();
    expect(addressedText(msg('/subscribe 07:30'), me)).toEqual({ text: '/subscribe 07:30', explicit: false });
    expect(addressedText(msg('/weather', 'private'), me)).toEqual({ text: '/weather', explicit: true });
    expect(addressedText(msg('/weather@ReportBot'), me)).toEqual({ text: '/weather@ReportBot', explicit: true });
  });

  it('in groups: ignores chatter, even chatter naming a longer username', () => {
    expect(addressedText(msg('今天天气不错'), me)).toBeNull();
    expect(addressedText(msg('@ReportBotFan 你好'), me)).toBeNull();
  });

  it('in groups: a mention anywhere, with the mention removed', () => {
    expect(addressedText(msg('@ReportBot 潼南'), me)).toEqual({ text: '潼南', explicit: true });
    expect(addressedText(msg('请问 @reportbot 潼南怎么样'), me)).toEqual({ text: '请问 潼南怎么样', explicit: true });
    expect(addressedText(msg('@ReportBot /district 潼南'), me)).toEqual({ text: '/district 潼南', explicit: true });
  });

  it('in groups: a reply to one of its messages, not to someone else; a reply that is not a command only if the search finds it', () => {
    const toBot = { reply_to_message: { message_id: 2, date: 1, chat: { id: -5, type: 'supergroup', title: 'g' }, from: { id: 99, is_bot: true, first_name: 'b' }, text: 'x' } } as Partial<Message.TextMessage>;
    const toUser = { reply_to_message: { message_id: 2, date: 1, chat: { id: -5, type: 'supergroup', title: 'g' }, from: { id: 6, is_bot: false, first_name: 'c' }, text: 'x' } } as Partial<Message.TextMessage>;
    expect(addressedText(msg('永川', 'group', toBot), me)).toEqual({ text: '永川', explicit: true, onlyIfFound: true });
    expect(addressedText(msg('/district 永川', 'group', toBot), me)).toEqual({ text: '/district 永川', explicit: true });
    expect(addressedText(msg('永川', 'group', toUser), me)).toBeNull();
  });

  it('never a result posted through its own inline mode, in a group or a private chat; another bot\'s results as usual', () => {
    const viaMe = { via_bot: { id: 99, is_bot: true, first_name: 'b', username: 'ReportBot' } } as Partial<Message.TextMessage>;
    const viaOther = { via_bot: { id: 7, is_bot: true, first_name: 'o', username: 'OtherBot' } } as Partial<Message.TextMessage>;
    expect(addressedText(msg('钟熙 · 提速建设', 'private', viaMe), me)).toBeNull();
    expect(addressedText(msg('@ReportBot 潼南', 'supergroup', viaMe), me)).toBeNull();
    expect(addressedText(msg('潼南', 'private', viaOther), me)).toEqual({ text: '潼南', explicit: true });
  });
});
