import type { MessageHeaders } from '@shopbus/messaging-core';

/** A headers binding: every one of `values` must be among the message's headers, or any one. */
export interface HeadersRule {
  readonly match: 'all' | 'any';
  readonly values: Readonly<Record<string, string | number | boolean>>;
}

/**
 * Whether a message's headers satisfy a headers binding, as RabbitMQ's headers exchange decides
 * (`x-match` all or any). A header matches when present with an equal value; a binding with no
 * values matches every message under `all` and none under `any`.
 */
export function matchesHeaders(rule: HeadersRule, headers: MessageHeaders): boolean {
  const matches = Object.entries(rule.values).map(
    ([name, value]) => Object.hasOwn(headers, name) && headers[name] === value,
  );
  return rule.match === 'all' ? matches.every(Boolean) : matches.some(Boolean);
}
