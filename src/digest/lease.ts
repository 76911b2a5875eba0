import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { SubscriptionStore } from '../store/types.ts';
import type { Clock } from './clock.ts';

/** The lease a sender holds while it broadcasts, so the bot's scheduler and `npm run broadcast` never send at the same time. */
export interface Lease {
  /** Take the lease; false when another live process holds it. */
  acquire(): Promise<boolean>;
  /** Keep the lease while running; false if it was lost (another process took it after it expired). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
  /** Who holds it, for the message when `acquire` fails. */
  holder(): Promise<string | null>;
  /** Longest a sender may go without renewing. */
  readonly renewEveryMs: number;
}

/** `host/pid/random`: unique per process run, and lets a restart recognise a holder that died on this machine. */
export function processOwner(): string {
  return `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
}

/** True when `owner` is a process on this machine that no longer exists (killed -9, crashed). */
export function isDeadLocalOwner(owner: string): boolean {
  const [host, pidText] = owner.split('/');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** A lease stored next to the subscriptions; a holder that died on this host is taken over at once, others after `ttlMs`. */
export function storeLease(store: Pick<SubscriptionStore, 'acquireLease' | 'releaseLease' | 'leaseHolder'>, clock: Clock, options: { name?: string; ttlMs?: number; owner?: string } = {}): Lease {
  const name = options.name ?? 'broadcast';
  const ttlMs = options.ttlMs ?? 60_000;
  const owner = options.owner ?? processOwner();
  let renewedAt = -Infinity;
  return {
    renewEveryMs: ttlMs / 3,
    async acquire() {
      const now = clock.now();
      let ok = await store.acquireLease(name, owner, now, ttlMs);
      if (!ok) {
        const held = await store.leaseHolder(name);
        if (held && isDeadLocalOwner(held.owner)) ok = await store.acquireLease(name, owner, now, ttlMs, held.owner);
      }
      if (ok) renewedAt = now;
      return ok;
    },
    async renew() {
      const now = clock.now();
      if (now - renewedAt < ttlMs / 3) return true;
      const ok = await store.acquireLease(name, owner, now, ttlMs);
      if (ok) renewedAt = now;
      return ok;
    },
    async release() {
      renewedAt = -Infinity;
      await store.releaseLease(name, owner);
    },
    async holder() {
      return (await store.leaseHolder(name))?.owner ?? null;
    },
  };
}
