/** One digest to deliver: a chat and the local date it is for. */
export interface DigestJob {
  chatId: number;
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
 * The jobs of one run, waiting to go out. Each chat's jobs go one at a time and in the order they came: only a
 * chat's first job is scheduled, the others wait in line behind it until it is `done` (so a chat never has two
 * requests out, and a retry keeps its place). Across chats, the scheduled job with the earliest time goes first,
 * in arrival order among equals.
 */
export class JobQueue {
  private readonly heap = new JobHeap();
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
      this.heap.push(entry);
    }
  }

  /** The scheduled job that may go first; undefined when every waiting chat has a job out. */
  peek(): Entry | undefined {
    return this.heap.peek();
  }

  /** Move the first scheduled job to a later time (its chat is cooling down), so other chats go first meanwhile. */
  postpone(notBefore: number): void {
    const top = this.heap.pop();
    if (top) this.heap.push({ ...top, notBefore });
  }

  /** Take the first scheduled job; its chat gets nothing else until `done`. */
  take(): Entry | undefined {
    const top = this.heap.pop();
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
      this.heap.push(retry);
      return;
    }
    const next = line.shift();
    if (next) this.heap.push(next);
    else this.lines.delete(chatId);
    if (retry) this.add(retry);
  }
}

/** A binary min-heap on (notBefore, seq). */
class JobHeap {
  private readonly items: Entry[] = [];
  peek(): Entry | undefined {
    return this.items[0];
  }
  push(e: Entry): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(a[i]!, a[p]!)) break;
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
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.notBefore < b.notBefore || (a.notBefore === b.notBefore && a.seq < b.seq);
}
