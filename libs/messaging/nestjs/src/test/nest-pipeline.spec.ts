import {
  Catch,
  Controller,
  ForbiddenException,
  Injectable,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
  type PipeTransform,
  type RpcExceptionFilter,
} from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  defineEvent,
  NonRetryableError,
  type EventContract,
  type MessageContext,
} from '@shopbus/messaging-core';
import { Countdown } from '@shopbus/testing';
import { throwError, type Observable } from 'rxjs';
import { z } from 'zod';
import { MessageHandler } from '../lib/message-handler.decorator';
import { headersOf, startNestMessaging, type NestMessagingFixture } from './nest-messaging-fixture';

/** The same three endpoints in each style, each style with its own types. */
const contractsOf = (style: string) => ({
  greeted: defineEvent(`${style}.greeted`, z.object({ name: z.string() })),
  ordered: defineEvent(`${style}.ordered`, z.object({ customer: z.string() })),
  reserved: defineEvent(`${style}.reserved`, z.object({ sku: z.string() })),
});
const decorated = contractsOf('test-decorated');
const patterned = contractsOf('test-patterned');

interface Seen {
  greeted: Countdown<{ name: string; messageId: string }>;
  intercepted: Countdown<{ type: string; data: unknown; messageType: string }>;
  ordered: Countdown<string>;
  reserveAttempts: Countdown<string>;
}
const newSeen = (): Seen => ({
  greeted: new Countdown(),
  intercepted: new Countdown(),
  ordered: new Countdown(),
  reserveAttempts: new Countdown(),
});
const seen: Record<string, Seen> = { decorated: newSeen(), patterned: newSeen() };
const styleOf = (context: ExecutionContext) =>
  context
    .switchToRpc()
    .getContext<MessageContext>()
    .envelope.messageType.startsWith('test-decorated')
    ? 'decorated'
    : 'patterned';

/** Counts what passes, and what Nest's ExecutionContext shows of it. */
@Injectable()
class CountingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rpc = context.switchToRpc();
    seen[styleOf(context)].intercepted.record({
      type: context.getType(),
      data: rpc.getData(),
      messageType: rpc.getContext<MessageContext>().envelope.messageType,
    });
    return next.handle();
  }
}

/** Upper-cases the name before the handler sees it. */
class UpperCaseNamePipe implements PipeTransform {
  transform(value: { name: string }): { name: string } {
    return { ...value, name: value.name.toUpperCase() };
  }
}

/** Lets ordinary customers through; says no to "blocked" and names its reason for "banned". */
class CustomerGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const { customer } = context.switchToRpc().getData<{ customer: string }>();
    if (customer === 'banned') throw new ForbiddenException(`customer ${customer} may not order`);
    return customer !== 'blocked';
  }
}

class OutOfStockError extends Error {}

/** The application's judgement: out of stock will not change by retrying. */
@Catch(OutOfStockError)
class OutOfStockIsPermanent implements RpcExceptionFilter<OutOfStockError> {
  catch(error: OutOfStockError): Observable<never> {
    return throwError(() => new NonRetryableError(`gave up: ${error.message}`));
  }
}

@Injectable()
class DecoratedHandlers {
  @MessageHandler(decorated.greeted)
  @UseInterceptors(CountingInterceptor)
  async greet(
    @Payload(UpperCaseNamePipe) { name }: { name: string },
    @Ctx() context: MessageContext,
  ) {
    seen.decorated.greeted.record({ name, messageId: context.envelope.messageId });
  }

  @MessageHandler(decorated.ordered)
  @UseGuards(CustomerGuard)
  async order({ customer }: { customer: string }) {
    seen.decorated.ordered.record(customer);
  }

  @MessageHandler(decorated.reserved)
  @UseFilters(OutOfStockIsPermanent)
  async reserve({ sku }: { sku: string }) {
    seen.decorated.reserveAttempts.record(sku);
    throw new OutOfStockError(`${sku} is out of stock`);
  }
}

@Controller()
class PatternedHandlers {
  @EventPattern(patterned.greeted.type)
  @UseInterceptors(CountingInterceptor)
  async greet(
    @Payload(UpperCaseNamePipe) { name }: { name: string },
    @Ctx() context: MessageContext,
  ) {
    seen.patterned.greeted.record({ name, messageId: context.envelope.messageId });
  }

  @EventPattern(patterned.ordered.type)
  @UseGuards(CustomerGuard)
  async order(@Payload() { customer }: { customer: string }) {
    seen.patterned.ordered.record(customer);
  }

  @EventPattern(patterned.reserved.type)
  @UseFilters(OutOfStockIsPermanent)
  async reserve(@Payload() { sku }: { sku: string }) {
    seen.patterned.reserveAttempts.record(sku);
    throw new OutOfStockError(`${sku} is out of stock`);
  }
}

describe.each([
  ['@MessageHandler', 'decorated', decorated],
  ['@EventPattern', 'patterned', patterned],
])('Nest’s pipeline around %s handlers', (_, style, contracts) => {
  let fixture: NestMessagingFixture;
  const mine = seen[style];
  const contractList: EventContract[] = Object.values(contracts);

  beforeAll(async () => {
    fixture = await startNestMessaging({
      providers: style === 'decorated' ? [DecoratedHandlers] : [],
      controllers: style === 'patterned' ? [PatternedHandlers] : [],
      contracts: contractList,
      recoverability: { immediateAttempts: 3, immediateIntervalMs: 0, redeliveryDelaysMs: [200] },
      handledTypes: contractList.map((contract) => contract.type),
    });
  });
  afterAll(() => fixture.close());

  const deadLetter = async (contract: EventContract) =>
    headersOf((await fixture.admin.nextMessages(`${fixture.queueOf(contract.type)}.dlq`))[0]);

  it('an interceptor sees each message in an rpc ExecutionContext: the payload as data, the MessageContext as context', async () => {
    await fixture.bus.publish(contracts.greeted, { name: 'ada' });
    const [entry] = await mine.intercepted.reach(1);
    expect(entry).toEqual({
      type: 'rpc',
      data: { name: 'ada' },
      messageType: contracts.greeted.type,
    });
  });

  it('a pipe on @Payload() transforms the payload before the handler, and @Ctx() gives the MessageContext', async () => {
    const sent = await fixture.bus.publish(contracts.greeted, { name: 'grace' });
    const greetings = await mine.greeted.reach(2);
    expect(greetings).toContainEqual({ name: 'GRACE', messageId: sent.messageId });
  });

  it('a guard that says no sends the message to the dead-letter queue at once, with the guard’s refusal as reason', async () => {
    await fixture.bus.publish(contracts.ordered, { customer: 'blocked' });
    expect(await deadLetter(contracts.ordered)).toMatchObject({
      'fault-type': 'NonRetryableError',
      'fault-message': 'A guard refused the message (Forbidden resource)',
      'fault-attempts': 1,
    });
  });

  it('a guard that throws gives its own reason, and a guard that lets a message through lets it reach the handler', async () => {
    await fixture.bus.publish(contracts.ordered, { customer: 'banned' });
    await fixture.bus.publish(contracts.ordered, { customer: 'linus' });
    expect(await deadLetter(contracts.ordered)).toMatchObject({
      'fault-message': 'customer banned may not order',
      'fault-attempts': 1,
    });
    expect(await mine.ordered.reach(1)).toEqual(['linus']);
  });

  it('an exception filter can classify an error as non-retryable: one attempt, then the dead-letter queue', async () => {
    await fixture.bus.publish(contracts.reserved, { sku: 'sku-7' });
    expect(await deadLetter(contracts.reserved)).toMatchObject({
      'fault-type': 'NonRetryableError',
      'fault-message': 'gave up: sku-7 is out of stock',
      'fault-attempts': 1,
    });
    expect(mine.reserveAttempts.seen).toEqual(['sku-7']);
  });
});

const Failing = defineEvent('test.failing', z.object({ n: z.number() }));

@Controller()
class FailingController {
  @EventPattern(Failing.type)
  async fail(): Promise<void> {
    throw new RangeError('the real reason');
  }
}

describe('an @EventPattern handler without MessageErrorsFilter', () => {
  let fixture: NestMessagingFixture;
  beforeAll(async () => {
    fixture = await startNestMessaging({
      controllers: [FailingController],
      contracts: [Failing],
      recoverability: { immediateAttempts: 1, redeliveryDelaysMs: [] },
      handledTypes: [Failing.type],
      keepErrors: false,
    });
  });
  afterAll(() => fixture.close());

  it('is dead-lettered with a fault that says Nest hid the error and how to keep it', async () => {
    await fixture.bus.publish(Failing, { n: 1 });
    const [dead] = await fixture.admin.nextMessages(`${fixture.queueOf(Failing.type)}.dlq`);
    expect(String(headersOf(dead)['fault-message'])).toMatch(
      /Nest's default RPC exception filter hid its error: register MessageErrorsFilter/,
    );
  });
});
