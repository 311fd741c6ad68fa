import type { ExchangeType } from '../topology/topology';

/** The exchanges a transport publishes to and binds from, by role and by real name. */
export interface ExchangeMap {
  readonly events: string;
  readonly commands: string;
  readonly deadLetter: string;
  /** Logical names the application uses → real names. */
  readonly names: Readonly<Record<string, string>>;
  /** Real name → type, for every exchange the transport declares. */
  readonly types: Readonly<Record<string, ExchangeType>>;
}
