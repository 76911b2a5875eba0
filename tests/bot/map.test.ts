/** /map in the bot, through the whole middleware chain against the fake Bot API, with a stand-in renderer. */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { mapComposer, mapRequest, type MapBotDeps } from '../../src/bot/map.ts';
import { PageCache } from '../../src/bot/pages.ts';
import { GazetteerSchema } from '../../src/core/gazetteer.ts';
import { buildMapSpec, mapKey, type MapSpec } from '../../src/core/map.ts';
import type { Report } from '../../src/core/report.ts';
import { loadEngine } from '../../src/load-engine.ts';
import { createLogger } from '../../src/logger.ts';
import { readJsonFile } from '../../src/read-json.ts';
import { MemorySubscriptionStore } from '../../src/store/memory.ts';
import { dm, group, press, setup, type Setup } from './support.ts';

const { report: seed, engine } = loadEngine();
const districts = readJsonFile('data/chongqing-divisions.json', GazetteerSchema).divisions.filter((d) => d.level === 'county');
const names = districts.map((d) => d.name);

let current: Setup | null = null;
afterEach(async () => {
  await current?.close();
  current = null;
});

/** A bot with /map mounted; `render` stands in for the real renderer (counted). */
async function mapBot(overrides: { render?: MapBotDeps['render']; report?: () => Report } = {}) {
  const rendered: MapSpec[] = [];
  const files = new MemorySubscriptionStore();
  const holder = { report: overrides.report ?? (() => seed) };
  const render: MapBotDeps['render'] =
    overrides.render === undefined
      ? (spec) => {
          rendered.push(spec);
          return { png: Buffer.from('\x89PNG fake picture'), missing: spec.title.includes('𠀀') ? ['𠀀'] : [] };
        }
      : overrides.render;
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', token: null, destination: new Writable({ write(chunk, _e, done) { logs.push(String(chunk)); done(); } }) });
  const deps: MapBotDeps = {
    get report() { return holder.report(); },
    engine,
    districts,
    render,
    renderVersion: 'test-1',
    files,
    pages: new PageCache(),
    logger,
    now: () => 1_000_000,
    retry: { sleep: async () => {} },
  };
  const s = await setup({ features: [mapComposer(deps)] });
  current = s;
  return { ...s, logs, rendered, files, holder };
}

const photos = (s: Pick<Setup, 'api'>) => s.api.callsTo('sendPhoto').filter((c) => c.ok);

describe('/map words read like /subscribe filters', () => {
  it('no words: the whole report; a topic naming no district, or a word found nowhere, says why in text', () => {
    const all = mapRequest('', seed, (q) => engine.resolveFilter(q), names);
    expect(all.ok && all.spec.filter).toBe(null);
    const jobs = mapRequest('就业', seed, (q) => engine.resolveFilter(q), names);
    expect(jobs).toEqual({ ok: false, html: '符合“就业”的 1 节报道没有提到重庆的区县，没有可画的地图。' });
    const nothing = mapRequest('量子纠缠', seed, (q) => engine.resolveFilter(q), names);
    expect(!nothing.ok && nothing.html).toContain('没有找到与“量子纠缠”对应的主题、区县或词语');
    const district = mapRequest('潼南', seed, (q) => engine.resolveFilter(q), names);
    expect(district.ok && district.spec.filter).toBe('潼南区');
  });
});

describe('/map in the bot', () => {
  it('sends the picture once and afterwards by its file_id, until a new report snapshot draws it afresh', async () => {
    const s = await mapBot();
    await s.send(dm('/map'));
    await s.send(dm('/map'));
    expect(s.rendered).toHaveLength(1);
    const [first, second] = photos(s);
    expect(typeof first!.params['photo']).toBe('object');
    expect(second!.params['photo']).toBe([...s.api.photos.keys()][0]);
    // An article added: another snapshot, another picture.
    s.holder.report = () => ({ ...seed, articles: [...seed.articles, { ...seed.articles[0]!, id: 'later', source: '2022-06-09-later.txt', date: '2022-06-09', title: '后来的报道' }], title: '后来的报道' });
    await s.send(dm('/map'));
    expect(s.rendered).toHaveLength(2);
    expect(s.rendered[1]!.period).toBe('2022年6月3日—9日');
    expect(typeof photos(s)[2]!.params['photo']).toBe('object');
  });

  it('logs the characters of a title the font has no glyph for', async () => {
    const s = await mapBot({ report: () => ({ ...seed, title: '𠀀的报道' }) });
    await s.send(dm('/map'));
    expect(photos(s)).toHaveLength(1);
    expect(s.logs.some((l) => l.includes('no glyph') && l.includes('𠀀'))).toBe(true);
  });

  it('a picture that fails to render becomes the caption as text, with its buttons, logged, and no error message', async () => {
    const s = await mapBot({ render: () => { throw new Error('resvg exploded'); } });
    await s.send(dm('/map'));
    expect(photos(s)).toEqual([]);
    const [text] = s.api.sentTexts();
    expect(text).toContain('提到最多的区县：\n1. 沙坪坝区 2 节');
    expect(text).not.toContain('出错了');
    expect((s.api.sent()[0]!.params['reply_markup'] as { inline_keyboard: unknown[][] }).inline_keyboard.flat()).toHaveLength(5);
    expect(s.logs.some((l) => l.includes('map render failed') && l.includes('resvg exploded'))).toBe(true);
  });

  it('without a renderer (its files could not be loaded) /map answers in text', async () => {
    const s = await mapBot({ render: null });
    await s.send(group('/map'));
    expect(photos(s)).toEqual([]);
    expect(s.api.sentTexts()[0]).toContain('1. 沙坪坝区 2 节');
  });

  it('a picture Telegram refuses to take is answered in text too', async () => {
    const s = await mapBot();
    s.api.fail({ method: 'sendPhoto', times: 1 }, { kind: 'bad_request', description: 'Bad Request: IMAGE_PROCESS_FAILED' });
    await s.send(dm('/map'));
    expect(s.api.sentTexts()[0]).toContain('1. 沙坪坝区 2 节');
    expect(s.logs.some((l) => l.includes('map upload failed'))).toBe(true);
  });

  it('a kept file_id Telegram no longer knows is replaced by a new upload', async () => {
    const s = await mapBot();
    await s.send(dm('/map'));
    const key = mapKey(buildMapSpec(seed, names, null), 'test-1');
    expect(await s.files.getFileId(key)).toBe([...s.api.photos.keys()][0]);
    await s.files.putFileId(key, 'stale-id-from-another-bot', 1_000_001);
    await s.send(dm('/map'));
    expect(photos(s).map((c) => typeof c.params['photo'])).toEqual(['object', 'object']);
    expect(s.rendered).toHaveLength(2);
    expect(await s.files.getFileId(key)).toBe([...s.api.photos.keys()][1]);
  });

  it('is held by flood control like every command: six in ten seconds, then one notice, then silence', async () => {
    const s = await mapBot();
    for (let i = 0; i < 8; i++) await s.send(dm('/map'));
    expect(photos(s)).toHaveLength(6);
    expect(s.api.sentTexts()).toEqual(['操作太频繁了，请稍等几秒再试。']);
  });

  it('a district button answers /district for it; a forged one gets a toast', async () => {
    const s = await mapBot();
    await s.send(press('mapd:500106'));
    expect(s.api.sentTexts()[0]).toContain('沙坪坝区');
    await s.send(press('mapd:999999'));
    expect(s.api.callsTo('answerCallbackQuery').at(-1)!.params['text']).toBe('这个按钮已失效，请重新发送 /map。');
    expect(s.api.sent()).toHaveLength(1);
  });
});
