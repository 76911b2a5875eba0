import { describe, expect, it } from 'vitest';
import { FloodGuard } from '../../src/bot/flood.ts';

function setup() {
  const clock = { now: 0 };
  const guard = new FloodGuard({ limit: 6, windowMs: 10_000, clock: () => clock.now });
  return { clock, guard };
}

describe('FloodGuard', () => {
  it('allows 6 commands in 10 s, warns once on the 7th, then drops', () => {
    const { guard } = setup();
    const verdicts = Array.from({ length: 9 }, () => guard.hit(1));
    expect(verdicts).toEqual(['allow', 'allow', 'allow', 'allow', 'allow', 'allow', 'warn', 'drop', 'drop']);
  });

  it('lets the user in again once old commands leave the window, and warns again next time', () => {
    const { guard, clock } = setup();
    for (let i = 0; i < 7; i++) guard.hit(1);
    clock.now = 10_000;
    expect(guard.hit(1)).toBe('allow');
    for (let i = 0; i < 5; i++) guard.hit(1);
    expect(guard.hit(1)).toBe('warn');
  });

  it('slides: a steady one command every 2 s is never limited', () => {
    const { guard, clock } = setup();
    for (let i = 0; i < 50; i++) {
      clock.now = i * 2000;
      expect(guard.hit(1)).toBe('allow');
    }
  });

  it('keeps users apart and forgets idle ones on sweep', () => {
    const { guard, clock } = setup();
    for (let i = 0; i < 7; i++) guard.hit(1);
    expect(guard.hit(2)).toBe('allow');
    clock.now = 60_000;
    guard.sweep();
    expect(guard.size).toBe(0);
  });
});
