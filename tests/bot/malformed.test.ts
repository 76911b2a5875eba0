/**
 * Only a person's command gets a reply. Every update type the bot handles (message, edited message, callback query,
 * inline query, my_chat_member, chat migration) is fuzzed with missing and wrong-typed fields: none may produce a
 * sendMessage, no handler may throw, and the bot still answers the next command.
 */
import fc from 'fast-check';
import type { Update } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestComposer } from '../../src/bot/digest.ts';
import { malformed } from '../../src/bot/update-shape.ts';
import { createLogger } from '../../src/logger.ts';
import { MemorySubscriptionStore } from '../../src/store/memory.ts';
import { BOT_ID, DM_USER, GROUP, GROUP_USER, REPORT, setup, type Setup } from './support.ts';

let s: Setup;
beforeAll(async () => {
  s = await setup({ floodLimit: 1_000_000, features: [] });
  s.bot.use(digestComposer({ store: new MemorySubscriptionStore(), report: REPORT, resolveFilter: () => null, now: () => Date.UTC(2022, 5, 3), defaultMinutes: 480, timezone: 'Asia/Shanghai', logger: createLogger({ level: 'silent', token: null }), retry: { sleep: async () => {} } }));
});
afterAll(async () => { await s.close(); });

const BOT = { id: BOT_ID, is_bot: true, first_name: 'Bot', username: 'report_test_bot' };
const PRIVATE = { id: DM_USER.id, type: 'private', first_name: DM_USER.first_name };

/** Well-formed updates of each type; the path lists say which fields a handler reads (missing or wrong: malformed). */
const BASES: Record<string, { update: Record<string, unknown>; required: string[][]; typed: string[][] }> = {
  command: {
    update: { message: { message_id: 1, date: 1, chat: PRIVATE, from: DM_USER, text: '/district 潼南' } },
    required: [['message'], ['message', 'message_id'], ['message', 'chat'], ['message', 'chat', 'id'], ['message', 'chat', 'type'], ['message', 'from'], ['message', 'from', 'id']],
    typed: [['message', 'text']],
  },
  'group command': {
    update: { message: { message_id: 2, date: 1, chat: GROUP, from: GROUP_USER, text: '/help', reply_to_message: { message_id: 1, from: BOT, chat: GROUP }, message_thread_id: 5 } },
    required: [['message', 'chat', 'id'], ['message', 'chat', 'type'], ['message', 'from', 'id'], ['message', 'reply_to_message', 'message_id']],
    typed: [['message', 'text'], ['message', 'reply_to_message', 'from', 'id'], ['message', 'message_thread_id']],
  },
  'edited message': {
    update: { edited_message: { message_id: 3, date: 1, edit_date: 2, chat: PRIVATE, from: DM_USER, text: '/district 潼南' } },
    required: [], typed: [],
  },
  'callback query': {
    update: { callback_query: { id: 'cb1', from: DM_USER, chat_instance: 'ci', data: 'p:AAAAAAAA:1', message: { message_id: 9, date: 1, chat: PRIVATE, from: BOT, text: 'x' } } },
    required: [], typed: [],
  },
  'inline query': {
    update: { inline_query: { id: 'iq1', from: DM_USER, query: '潼南', offset: '', chat_type: 'sender' } },
    required: [], typed: [],
  },
  my_chat_member: {
    update: { my_chat_member: { chat: GROUP, from: GROUP_USER, date: 1, old_chat_member: { status: 'member', user: BOT }, new_chat_member: { status: 'kicked', user: BOT, until_date: 0 } } },
    required: [], typed: [],
  },
  'chat migration': {
    update: { message: { message_id: 4, date: 1, chat: { id: -4001, type: 'group', title: 'g' }, from: GROUP_USER, migrate_to_chat_id: -1004001 } },
    required: [], typed: [],
  },
};

/** Every path to a field in `value`. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
}

function kind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** A value whose JSON type differs from `old`'s. */
const wrongFor = (old: unknown) => fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string(), fc.integer(), { maxKeys: 2 }))
  .filter((v) => kind(v) !== kind(old) && !(kind(v) === 'number' && kind(old) === 'number'));

/** `update` with the field at `path` removed (`undefined`) or replaced. */
function mutate(update: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(update);
  let at: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

function get(update: unknown, path: string[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], update);
}

let nextId = 1;
async function deliver(update: Record<string, unknown>): Promise<void> {
  await s.bot.handleUpdate({ update_id: nextId++, ...update } as unknown as Update);
}

/** After each update: nothing was posted into any chat, no handler threw. */
function expectSilent(): void {
  expect(s.api.callsTo('sendMessage')).toEqual([]);
  expect(s.logs.join('')).not.toMatch(/"msg":"(handler failed|unhandled error)"/);
}

describe('Malformed updates get no reply', () => {
  for (const [name, base] of Object.entries(BASES)) {
    it(`${name}: a field a handler reads, missing or of the wrong type, is logged and dropped without a message`, async () => {
      // An update without its one typed field is an update of no type the bot handles: replaced, not removed.
      const targets = [...base.required.map((p) => ({ p, canDelete: p.length > 1 })), ...base.typed.map((p) => ({ p, canDelete: false }))];
      // Types that never warrant a message: any field at all may be missing or wrong.
      const all = paths(base.update).map((p) => ({ p, canDelete: true }));
      const pool = targets.length > 0 ? targets : all;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...pool).chain(({ p, canDelete }) => fc.tuple(fc.constant(p), canDelete ? fc.option(wrongFor(get(base.update, p)), { nil: undefined }) : wrongFor(get(base.update, p)))), async ([path, value]) => {
          s.api.reset();
          s.logs.length = 0;
          const update = mutate(base.update, path, value);
          await deliver(update);
          expectSilent();
          if (targets.length > 0) expect(s.logs.join('')).toContain('"msg":"malformed update dropped"');
        }),
        { numRuns: 150 },
      );
      // Still serving: the next well-formed command is answered.
      s.api.reset();
      await deliver({ message: { message_id: 99, date: 1, chat: PRIVATE, from: DM_USER, text: '/help' } });
      expect(s.api.callsTo('sendMessage')).toHaveLength(1);
    }, 60_000);
  }

  it('a my_chat_member update with a missing field (the reported case) posts nothing into the group', async () => {
    s.api.reset();
    await deliver({ my_chat_member: { chat: GROUP, from: GROUP_USER, date: 1, old_chat_member: { status: 'member', user: BOT } } });
    expectSilent();
    expect(malformed({ update_id: 1, my_chat_member: { chat: GROUP, from: GROUP_USER, date: 1, old_chat_member: { status: 'member', user: BOT } } })).toBe('my_chat_member.new_chat_member: Invalid input: expected object, received undefined');
  });

  it('the well-formed originals pass the check (the fuzzing starts from updates the bot accepts)', () => {
    for (const base of Object.values(BASES)) expect(malformed({ update_id: 1, ...base.update })).toBeNull();
  });
});
