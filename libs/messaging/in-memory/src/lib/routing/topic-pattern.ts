/**
 * Whether a routing key matches a topic binding's pattern, as RabbitMQ's topic exchange decides:
 * both are dot-separated words; `*` stands for exactly one word, `#` for zero or more.
 * `order.*` matches `order.placed` but not `order.placed.late`; `order.#` matches both and
 * `order` itself.
 */
export function matchesTopic(pattern: string, routingKey: string): boolean {
  return matchWords(pattern.split('.'), 0, routingKey.split('.'), 0, new Map());
}

function matchWords(
  pattern: readonly string[],
  p: number,
  key: readonly string[],
  k: number,
  memo: Map<number, boolean>,
): boolean {
  const slot = p * (key.length + 1) + k;
  const known = memo.get(slot);
  if (known !== undefined) return known;
  let result: boolean;
  if (p === pattern.length) result = k === key.length;
  else if (pattern[p] === '#') {
    // `#` takes no word, or one more word and stays.
    result =
      matchWords(pattern, p + 1, key, k, memo) ||
      (k < key.length && matchWords(pattern, p, key, k + 1, memo));
  } else {
    result =
      k < key.length &&
      (pattern[p] === '*' || pattern[p] === key[k]) &&
      matchWords(pattern, p + 1, key, k + 1, memo);
  }
  memo.set(slot, result);
  return result;
}
