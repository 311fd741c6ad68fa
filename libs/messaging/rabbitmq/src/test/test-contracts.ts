import { defineCommand, defineEvent, defineQuery } from '@shopbus/messaging-core';
import { z } from 'zod';

/** Small contracts for the adapter's tests; the shop's real ones live in libs/contracts. */
export const ThingHappened = defineEvent('test.thing-happened', z.object({ n: z.number().int() }));
export const OtherThingHappened = defineEvent(
  'test.other-happened',
  z.object({ n: z.number().int() }),
);
export const DoThing = defineCommand('test.do-thing', z.object({ n: z.number().int() }));
export const AddNumbers = defineQuery(
  'test.add-numbers',
  z.object({ a: z.number(), b: z.number() }),
  z.object({ sum: z.number() }),
);
