import { z } from 'zod';
import { defineCommand, defineEvent, defineQuery } from '@shopbus/messaging-core';

/** The message types the contract suite sends. */
export const ContractEvent = defineEvent('contract.thing-happened', z.object({ n: z.number() }));
export const OtherContractEvent = defineEvent(
  'contract.other.thing-happened',
  z.object({ n: z.number() }),
);
export const ContractCommand = defineCommand('contract.do-thing', z.object({ n: z.number() }));
export const ContractQuery = defineQuery(
  'contract.add',
  z.object({ a: z.number(), b: z.number() }),
  z.object({ sum: z.number() }),
);
