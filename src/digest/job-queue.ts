import type { Subscriber } from '../store/types.ts';

/**
 * One digest (or alert) to deliver: a subscriber (a chat, or one of its forum topics) and the local date (or alert
 * key) it is for. Jobs queue per chat, not per topic: Telegram's limits are the chat's, whichever topic a message is in.
 */
export interface DigestJob extends Subscriber {
  date: string;
}

/** A job waiting in the queue: when it may go next, its arrival order, and its attempts in this run. */
export interface Entry {
  job: DigestJob;
  notBefore: number;
  seq: number;
  attempts: number;
}

/**
 * The jobs of one run, waiting to go out. Each chat's jobs (all its topics') go one at a time and in the order they came: only a
 * chat's first job is scheduled, the others wait in line behind it until it is `done` (so a chat never has two
 * requests out, and a retry keeps its place). Across chats, the jobs whose time has come go in arrival order,
 * so a group's next date, once the group has cooled down, goes before private chats that came after it rather
 * than after all of them.
 */
export class JobQueue {
  /** Scheduled jobs whose time may not have come, earliest first. */
  private readonly later = new JobHeap((a, b) => a.notBefore < b.notBefore || (a.notBefore === b.notBefore && a.seq < b.seq));
  /** Scheduled jobs whose time has come, in arrival order. */
  private readonly ready = new JobHeap((a, b) => a.seq < b.seq);
  /** Chats with a job scheduled or out, each with the jobs waiting behind it. */
  private readonly lines = new Map<number, Entry[]>();
  private waiting = 0;

  /** Jobs not yet taken (scheduled or in line); the ones out are not counted. */
  get size(): number {
    return this.waiting;
  }

  /** Add a job at the back of its chat's line. */
  add(entry: Entry): void {
    this.waiting++;
    const line = this.lines.get(entry.job.chatId);
    if (line) line.push(entry);
    else {
      this.lines.set(entry.job.chatId, []);
      this.later.push(entry);
    }
  }

  /**
   * The job to send next at `now`: the first to arrive among those whose time has come, else the one whose time
   * comes first (check its `notBefore`); undefined when every waiting chat has a job out.
   */
  peek(now: number): Entry | undefined {
    while ((this.later.peek()?.notBefore ?? Infinity) <= now) this.ready.push(this.later.pop()!);
    return this.ready.peek() ?? this.later.peek();
  }

  /** Move the job `peek` returned to a later time (its chat is cooling down), so other chats go first meanwhile. */
  postpone(notBefore: number): void {
    const top = this.ready.pop() ?? this.later.pop();
    if (top) this.later.push({ ...top, notBefore });
  }

  /** Take the job `peek` returned; its chat gets nothing else until `done`. */
  take(): Entry | undefined {
    const top = this.ready.pop() ?? this.later.pop();
    if (top) this.waiting--;
    return top;
  }

  /**
   * The job taken for `chatId` is over. A `retry` for the same chat goes first again; otherwise the next job in
   * that chat's line is scheduled, and a retry for another chat (a group that migrated) joins that chat's line.
   */
  done(chatId: number, retry: Entry | null): void {
    const line = this.lines.get(chatId) ?? [];
    if (retry && retry.job.chatId === chatId) {
      this.waiting++;
      this.later.push(retry);
      return;
    }
    const next = line.shift();
    if (next) this.later.push(next);
    else this.lines.delete(chatId);
    if (retry) this.add(retry);
  }
}

/** A binary min-heap of entries, first by `before`. */
class JobHeap {
  private readonly items: Entry[] = [];
  constructor(private readonly before: (a: Entry, b: Entry) => boolean) {}
  peek(): Entry | undefined {
    return this.items[0];
  }
  push(e: Entry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Entry | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.before(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
