import { VirtualClock } from '../lib/time/virtual-clock';

describe('the virtual clock', () => {
  it('moves only when advanced, firing each timer at its own time, in due order', async () => {
    const clock = new VirtualClock(1_000);
    const fired: string[] = [];
    clock.setTimer(() => fired.push(`b@${clock.now()}`), 300);
    clock.setTimer(() => fired.push(`a@${clock.now()}`), 100);
    clock.setTimer(() => fired.push(`c@${clock.now()}`), 300);
    expect(clock.nextTimerAt()).toBe(1_100);

    await clock.advance(299);
    expect(fired).toEqual(['a@1100']);
    expect(clock.now()).toBe(1_299);

    await clock.advance(1);
    // Equal due times fire in the order they were set.
    expect(fired).toEqual(['a@1100', 'b@1300', 'c@1300']);
    expect(clock.nextTimerAt()).toBeUndefined();
  });

  it('a cancelled timer never fires; a timer set by a timer fires in the same advance when due', async () => {
    const clock = new VirtualClock(0);
    const fired: number[] = [];
    const cancel = clock.setTimer(() => fired.push(-1), 10);
    clock.setTimer(() => clock.setTimer(() => fired.push(clock.now()), 50), 20);
    cancel();

    await clock.advance(100);

    expect(fired).toEqual([70]);
  });

  it('refuses to go back', async () => {
    await expect(new VirtualClock(0).advance(-1)).rejects.toThrow(RangeError);
  });
});
