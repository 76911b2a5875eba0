import { describe, expect, it } from 'vitest';
import { alertKey, composeAlert, composeDigest } from '../../src/core/digest.ts';
import type { Report } from '../../src/core/report.ts';
import { makeCompose } from '../../src/digest/compose.ts';
import { renderAlertHtml, renderDigestHtml } from '../../src/render/digest.ts';
import type { Subscriber, Subscription } from '../../src/store/types.ts';
import { fixtureReport } from './fixture.ts';

function sub(chatId: number, filter: Subscription['filter'] = null): Subscription {
  return { chatId, threadId: null, chatType: 'private', minutes: 0, timezone: 'Asia/Shanghai', filter, alerts: false, skipQuietDays: false, active: true, inactiveReason: null, createdAt: 0, updatedAt: 0 };
}

/** A ledger history per chat, as the store would give it. */
function histories(byChat: Record<number, string[]>) {
  return { history: async (who: Subscriber) => byChat[who.chatId] ?? [] };
}

const expected = (report: Report, history: string[], filter: Subscription['filter'] = null, date = '2022-06-03') =>
  renderDigestHtml(composeDigest(report, { chatId: 0, date, filter, history })!);

describe('the sender’s compose step', () => {
  it('gives each chat the digest its own history calls for, however many chats came before with another', async () => {
    const report = fixtureReport();
    const compose = makeCompose(report, histories({ 2: ['a1-s00-lead'], 3: ['a1-s00-lead', 'a1-s01-wang'] }));
    const first = await compose(sub(1), '2022-06-03', null);
    const second = await compose(sub(2), '2022-06-03', null);
    const third = await compose(sub(3), '2022-06-03', null);
    const again = await compose(sub(4), '2022-06-03', null);
    expect(first!.html).toBe(expected(report, []));
    expect(second!.html).toBe(expected(report, ['a1-s00-lead']));
    expect(third!.html).toBe(expected(report, ['a1-s00-lead', 'a1-s01-wang']));
    expect(new Set([first!.sectionId, second!.sectionId, third!.sectionId]).size).toBe(3);
    expect(again).toEqual(first);
  });

  it('keeps filters, dates and pinned sections apart', async () => {
    const report = fixtureReport();
    const compose = makeCompose(report, histories({}));
    const plain = await compose(sub(1), '2022-06-03', null);
    const wuxi = await compose(sub(2, { kind: 'district', id: '巫溪县', label: '巫溪' }), '2022-06-03', null);
    expect(wuxi!.html).toBe(expected(report, [], { kind: 'district', id: '巫溪县', label: '巫溪' }));
    expect(wuxi!.html).not.toBe(plain!.html);
    const nextDay = await compose(sub(3), '2022-06-04', null);
    expect(nextDay!.html).toBe(expected(report, [], null, '2022-06-04'));
    const pinned = await compose(sub(4), '2022-06-03', 'a1-s03-zhang');
    expect(pinned!.sectionId).toBe('a1-s03-zhang');
  });

  it('gives each filter its own alert for the same article', async () => {
    const report = fixtureReport();
    const compose = makeCompose(report, histories({}));
    const tongnan = { kind: 'district' as const, id: '潼南区', label: '潼南' };
    const wuxi = { kind: 'district' as const, id: '巫溪县', label: '巫溪' };
    const first = await compose(sub(1, tongnan), alertKey('a1'), null);
    const second = await compose(sub(2, wuxi), alertKey('a1'), null);
    expect(first!.html).toBe(renderAlertHtml(composeAlert(report, 'a1', tongnan)!));
    expect(second!.html).toBe(renderAlertHtml(composeAlert(report, 'a1', wuxi)!));
    expect(second!.html).not.toBe(first!.html);
  });

  it('uses the report in service at each call, not one remembered from before an article was added', async () => {
    const before = fixtureReport();
    const [lead, ...rest] = before.sections;
    const after: Report = { ...before, sections: [{ ...lead!, paragraphs: ['新增的文章说：会议精神传遍全市。'] }, ...rest] };
    let current = before;
    const compose = makeCompose(() => current, histories({}));
    const old = await compose(sub(1), '2022-06-03', null);
    current = after;
    const fresh = await compose(sub(2), '2022-06-03', null);
    expect(fresh!.html).toBe(expected(after, []));
    expect(fresh!.html).not.toBe(old!.html);
  });
});
