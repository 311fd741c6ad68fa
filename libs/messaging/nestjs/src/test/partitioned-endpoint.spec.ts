import { Injectable } from '@nestjs/common';
import { byCorrelationId, defineEvent } from '@shopbus/messaging-core';
import { Countdown, deferred } from '@shopbus/testing';
import { z } from 'zod';
import { MessageHandler } from '../lib/message-handler.decorator';
import { startNestMessaging, type NestMessagingFixture } from './nest-messaging-fixture';

const StepTaken = defineEvent('test.step-taken', z.object({ name: z.string() }));

const started = new Countdown<string>();
const firstStepMayFinish = deferred();

@Injectable()
class TakeSteps {
  @MessageHandler(StepTaken, { prefetch: 8, partitionBy: byCorrelationId })
  async take({ name }: { name: string }): Promise<void> {
    started.record(name);
    if (name === 'a1') await firstStepMayFinish.promise;
  }
}

describe('an endpoint partitioned by correlation id, declared on @MessageHandler', () => {
  let fixture: NestMessagingFixture;

  beforeAll(async () => {
    fixture = await startNestMessaging({
      providers: [TakeSteps],
      contracts: [StepTaken],
      handledTypes: [StepTaken.type],
    });
  });
  afterAll(async () => {
    firstStepMayFinish.resolve();
    await fixture.close();
  });

  it('handles one conversation’s messages one after another while other conversations go on', async () => {
    await fixture.bus.publish(StepTaken, { name: 'a1' }, { correlationId: 'order-a' });
    await fixture.bus.publish(StepTaken, { name: 'a2' }, { correlationId: 'order-a' });
    await fixture.bus.publish(StepTaken, { name: 'b1' }, { correlationId: 'order-b' });

    // b1 gets through while a1 holds its conversation; a2 waits behind a1.
    expect((await started.reach(2)).sort()).toEqual(['a1', 'b1']);
    expect(started.seen).not.toContain('a2');

    firstStepMayFinish.resolve();
    expect(await started.reach(3)).toEqual(expect.arrayContaining(['a1', 'b1', 'a2']));
    expect(started.seen.indexOf('a2')).toBeGreaterThan(started.seen.indexOf('a1'));
  });
});
