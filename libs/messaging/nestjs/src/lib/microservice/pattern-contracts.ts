import {
  defineEvent,
  defineQuery,
  type AnyContract,
  type CommandContract,
  type EventContract,
  type QueryContract,
} from '@shopbus/messaging-core';
import { z } from 'zod';

/**
 * Nest names messages by pattern; the library by contract. A pattern that is a contract's type
 * (`'order.placed'`) takes that contract, so its payload is validated on the way out and in. Any
 * other pattern is a message type of its own with an unchecked JSON payload (`z.unknown()`), so
 * that handlers move over before their contracts are written. Patterns are strings: an object
 * pattern has no wire name.
 */
export class PatternContracts {
  private readonly byType = new Map<string, AnyContract>();

  constructor(contracts: readonly AnyContract[] = []) {
    for (const contract of contracts) this.byType.set(contract.type, contract);
  }

  /** What `@EventPattern` handles and `emit` sends: an event (published) or a command (sent). */
  forEvent(pattern: unknown): EventContract | CommandContract {
    const type = patternType(pattern);
    const known = this.byType.get(type);
    if (known?.kind === 'query') {
      throw new Error(
        `"${type}" is a query: answer it with @MessagePattern and ask it with send()`,
      );
    }
    return known ?? this.remember(defineEvent(type, z.unknown()));
  }

  /** What `@MessagePattern` answers and `send` asks: a query. */
  forRequest(pattern: unknown): QueryContract {
    const type = patternType(pattern);
    const known = this.byType.get(type);
    if (known && known.kind !== 'query') {
      throw new Error(
        `"${type}" is ${known.kind === 'event' ? 'an event' : 'a command'}, which nobody answers: ` +
          'handle it with @EventPattern and send it with emit()',
      );
    }
    return known ?? this.remember(defineQuery(type, z.unknown(), z.unknown()));
  }

  private remember<C extends AnyContract>(contract: C): C {
    this.byType.set(contract.type, contract);
    return contract;
  }
}

function patternType(pattern: unknown): string {
  if (typeof pattern !== 'string') {
    throw new Error(
      `Pattern ${JSON.stringify(pattern)} is not a string: a shopbus pattern is a message type`,
    );
  }
  return pattern;
}
