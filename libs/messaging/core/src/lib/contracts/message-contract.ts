import type { z } from 'zod';

/**
 * An event states a fact that happened (`order.placed`) and is *published* to every subscriber.
 * A command asks one service to do something (`create-shipment`) and is *sent* to one queue.
 * A query asks for an answer (`shipping.quote`) and is *requested*: sent, then a reply awaited.
 */
export type MessageKind = 'event' | 'command' | 'query';

/**
 * A message type declared once, with the runtime schema that validates it on the way out and on
 * the way in. The TypeScript type of its payload is derived from the schema (`PayloadOf`), so
 * the two can never drift apart.
 */
export interface MessageContract<
  K extends MessageKind = MessageKind,
  S extends z.ZodType = z.ZodType,
> {
  readonly kind: K;
  /** Stable wire name: lower-case words joined by `.` or `-`, e.g. `order.placed`. */
  readonly type: string;
  /**
   * Schema version carried in every envelope. Bump it for a breaking change and keep the type
   * name; consumers see which shape a message was written in.
   */
  readonly version: number;
  readonly schema: S;
  /**
   * Its payload holds personal data (an email, an address): with a key ring configured, its body
   * travels encrypted (EncryptingTransport). Default false.
   */
  readonly personalData?: boolean;
  /**
   * The sources (services) that may publish or send it. A receiver that verifies publishers
   * (`verifiedPublishers`) refuses it from any other, and a bus whose source is not listed
   * refuses to declare it among its outgoing messages. Default: anyone.
   */
  readonly senders?: readonly string[];
}

export type EventContract<S extends z.ZodType = z.ZodType> = MessageContract<'event', S>;
export type CommandContract<S extends z.ZodType = z.ZodType> = MessageContract<'command', S>;
export interface QueryContract<
  S extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> extends MessageContract<'query', S> {
  readonly responseSchema: R;
}

export type AnyContract = EventContract | CommandContract | QueryContract;
export type PayloadOf<C extends MessageContract> = z.output<C['schema']>;
export type ResponseOf<C extends QueryContract> = z.output<C['responseSchema']>;

/** Wire names double as topic routing keys, so they keep to characters every broker accepts. */
const TYPE_NAME = /^[a-z][a-z0-9]*([.-][a-z0-9]+)*$/;

/**
 * AMQP routing keys hold at most 255 bytes, and a type must leave room for its fault event's
 * suffix (`<type>.faulted`): a longer name would make the fault announcement unpublishable.
 */
export const MAX_ROUTING_KEY_BYTES = 255;
export const MAX_MESSAGE_TYPE_LENGTH = MAX_ROUTING_KEY_BYTES - '.faulted'.length;

interface ContractOptions {
  version?: number;
  personalData?: boolean;
  senders?: readonly string[];
}

function contractOf<K extends MessageKind, S extends z.ZodType>(
  kind: K,
  type: string,
  schema: S,
  options: ContractOptions,
): MessageContract<K, S> {
  const version = options.version ?? 1;
  if (!TYPE_NAME.test(type)) {
    throw new Error(`Message type "${type}" must be lower-case words joined by "." or "-"`);
  }
  if (type.length > MAX_MESSAGE_TYPE_LENGTH) {
    throw new Error(
      `Message type "${type.slice(0, 40)}…" has ${type.length} characters; at most ${MAX_MESSAGE_TYPE_LENGTH}`,
    );
  }
  if (!Number.isInteger(version) || version < 1) {
    throw new Error(`Message type "${type}" has version ${version}; versions are integers >= 1`);
  }
  if (options.senders?.length === 0) {
    throw new Error(`Message type "${type}" names no senders; omit the option to allow any`);
  }
  return {
    kind,
    type,
    version,
    schema,
    ...(options.personalData && { personalData: true }),
    ...(options.senders && { senders: Object.freeze([...options.senders]) }),
  };
}

export function defineEvent<S extends z.ZodType>(
  type: string,
  schema: S,
  options: ContractOptions = {},
): EventContract<S> {
  return Object.freeze(contractOf('event', type, schema, options));
}

export function defineCommand<S extends z.ZodType>(
  type: string,
  schema: S,
  options: ContractOptions = {},
): CommandContract<S> {
  return Object.freeze(contractOf('command', type, schema, options));
}

export function defineQuery<S extends z.ZodType, R extends z.ZodType>(
  type: string,
  schema: S,
  responseSchema: R,
  options: ContractOptions = {},
): QueryContract<S, R> {
  return Object.freeze({ ...contractOf('query', type, schema, options), responseSchema });
}
