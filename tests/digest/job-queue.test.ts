import { describe, expect, it } from 'vitest';
import { JobQueue, type Entry } from '../../src/digest/job-queue.ts';

let seq = 0;
const entry = (chatId: number, date: string, notBefore = 0): Entry => ({ job: { chatId, threadId: null, date }, notBefore, seq: seq++, attempts: 0 });

describe('The job queue', () => {
  it("schedules one job per chat: the chat's next waits in line until the first is done", () => {
    const q = new JobQueue();
    for (const e of [entry(1, 'd1'), entry(1, 'd2'), entry(2, 'd1')]) q.add(e);
    expect(q.take()?.job).toEqual({ chatId: 1, threadId: null, date: 'd1' });
    expect(q.take()?.job).toEqual({ chatId: 2, threadId: null, date: 'd1' });
    expect(q.take()).toBeUndefined(); // chat 1's d2 waits for d1
    expect(q.size).toBe(1);
    q.done(1, null);
    expect(q.take()?.job).toEqual({ chatId: 1, threadId: null, date: 'd2' });
    expect(q.size).toBe(0);
  });

  it("puts a retry back at the front of its chat's line, and a migrated job in the new chat's line", () => {
    const q = new JobQueue();
    for (const e of [entry(-1, 'd1'), entry(-1, 'd2'), entry(-9, 'd1')]) q.add(e);
    const first = q.take()!;
    q.done(-1, { ...first, notBefore: 5000, seq: seq++, attempts: 1 });
    expect(q.take()?.job).toEqual({ chatId: -9, threadId: null, date: 'd1' });
    expect(q.take()?.job).toEqual({ chatId: -1, threadId: null, date: 'd1' }); // the retry, before d2 of the same chat
    q.done(-1, entry(-100, 'd1')); // -1 became supergroup -100; -1's d2 is next in its own line
    expect(q.size).toBe(2);
    expect([q.take()?.job, q.take()?.job]).toEqual([{ chatId: -1, threadId: null, date: 'd2' }, { chatId: -100, threadId: null, date: 'd1' }]);
  });

  it('postpones a cooling chat so the next one goes first, and sends it, once cool, before jobs that came after it', () => {
    const q = new JobQueue();
    q.add(entry(-1, 'd1'));
    for (let chat = 1; chat <= 3; chat++) q.add(entry(chat, 'd1'));
    expect(q.peek(0)?.job.chatId).toBe(-1);
    q.postpone(1000); // the group is cooling down
    expect(q.peek(0)?.job.chatId).toBe(1);
    q.take();
    expect(q.peek(1000)?.job.chatId).toBe(-1); // it came first
    expect(q.take()?.job.chatId).toBe(-1);
    expect(q.peek(1000)?.job.chatId).toBe(2);
  });
});
