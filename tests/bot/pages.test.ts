import { describe, expect, it } from 'vitest';
import { PageCache } from '../../src/bot/pages.ts';
import { PageCallbackSchema, pageCallbackData } from '../../src/render/html.ts';

describe('PageCache', () => {
  it('returns pages by key; keys fit callback data with any page number', () => {
    const cache = new PageCache();
    const key = cache.put(['a', 'b']);
    expect(cache.get(key)).toEqual(['a', 'b']);
    expect(PageCallbackSchema.parse(pageCallbackData(key, 1234))).toEqual({ key, page: 1234 });
  });

  it('forgets the oldest answers past its size', () => {
    const cache = new PageCache({ maxEntries: 2 });
    const first = cache.put(['1']);
    cache.put(['2']);
    cache.put(['3']);
    expect(cache.get(first)).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('expires answers after their time to live', () => {
    const clock = { now: 0 };
    const cache = new PageCache({ ttlMs: 1000, clock: () => clock.now });
    const key = cache.put(['1']);
    clock.now = 999;
    expect(cache.get(key)).toEqual(['1']);
    clock.now = 1000;
    expect(cache.get(key)).toBeUndefined();
  });
});

describe('StorePages', () => {
  it('keeps an answer\'s 转发 query with its pages in the shared store, and pages without one stay as they are', async () => {
    const { MemorySubscriptionStore } = await import('../../src/store/memory.ts');
    const { StorePages } = await import('../../src/bot/pages.ts');
    const pages = new StorePages(new MemorySubscriptionStore());
    const shared = await pages.put(['<b>1</b>', '<b>2</b>'], 'district 潼南');
    expect(await pages.entry(shared)).toEqual({ pages: ['<b>1</b>', '<b>2</b>'], share: 'district 潼南' });
    const plain = await pages.put(['a', 'b']);
    expect(await pages.entry(plain)).toEqual({ pages: ['a', 'b'] });
    expect(await pages.entry('nokey123')).toBeUndefined();
  });
});
