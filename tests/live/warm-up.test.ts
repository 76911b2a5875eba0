import { describe, expect, it } from 'vitest';
import { warmUpInBackground } from '../../src/live/warm-up.ts';
import { loadEngine } from '../../src/load-engine.ts';

describe('Warming the answering code up in the background', () => {
  const { report, engine } = loadEngine('data');

  it('gives its answers in slices, the event loop free between them, so a user asking meanwhile is answered', async () => {
    const warming = warmUpInBackground(engine, report, { answers: 3000, sliceMs: 2 });
    let finished = false;
    void warming.done.then(() => (finished = true));
    // A user's update, as the event loop would deliver it while the warm-up runs.
    const asked = await new Promise<{ status: string; whileWarming: boolean }>((resolve) => setTimeout(() => {
      resolve({ status: engine.answer('district', '潼南').status, whileWarming: !finished });
    }, 1));
    const done = await warming.done;
    expect(asked).toEqual({ status: 'ok', whileWarming: true });
    expect(done.answers).toBe(3000);
  });

  it('stops early when told, after the slice running', async () => {
    const warming = warmUpInBackground(engine, report, { answers: 1_000_000, sliceMs: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    warming.stop();
    const done = await warming.done;
    expect(done.answers).toBeGreaterThan(0);
    expect(done.answers).toBeLessThan(1_000_000);
  });

  it('leaves answers as they were: a query asked after it gets the same answer as before', async () => {
    const before = JSON.stringify(engine.answer('topic', '就业'));
    await warmUpInBackground(engine, report, { answers: 200 }).done;
    expect(JSON.stringify(engine.answer('topic', '就业'))).toBe(before);
  });
});
