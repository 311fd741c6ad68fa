import {
  BadRequestException,
  Injectable,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';

/**
 * JSON and URLs carry a NUL character or half of a UTF-16 surrogate pair without complaint, but
 * Postgres stores neither (text refuses NUL, jsonb both), and every message that copies such a
 * value fails downstream. So any such string in a request's body, query or path is refused at the
 * door, with a 400 that names the field, before it can fail a transaction (a 500) or reach a
 * message. Runs before validation, on a request's parameters only: as a global pipe it is also
 * handed message handlers' `@Payload()` and `@Ctx()` (Nest's RPC parameter types are numbers),
 * which it leaves alone: a payload is its contract's to check, and a `MessageContext` holds the
 * handler's database transaction, no place to walk.
 */
@Injectable()
export class RejectUnstorableTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (!HTTP_INPUTS.has(metadata.type)) return value;
    const where = metadata.data ? `${metadata.type} ${metadata.data}` : metadata.type;
    const problem = unstorableTextIn(value, where);
    if (problem) throw new BadRequestException(problem);
    return value;
  }
}

/** Where an HTTP request's values arrive (`custom`: a header or a decorator of the application's). */
const HTTP_INPUTS = new Set<unknown>(['body', 'query', 'param', 'custom']);

const MAX_DEPTH = 32;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Where in `value` a string holds a NUL or an unpaired surrogate, or undefined. */
export function unstorableTextIn(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) return `${path} must not contain a NUL character`;
    if (UNPAIRED_SURROGATE.test(value)) return `${path} must not contain an unpaired surrogate`;
    return undefined;
  }
  if (depth >= MAX_DEPTH || value === null || typeof value !== 'object') return undefined;
  const entries = Array.isArray(value)
    ? value.map((item, index) => [`${path}[${index}]`, item] as const)
    : Object.entries(value).map(([key, item]) => [`${path}.${key}`, item] as const);
  for (const [itemPath, item] of entries) {
    const keyProblem = Array.isArray(value)
      ? undefined
      : unstorableTextIn(itemPath, 'a field name');
    const problem = keyProblem ?? unstorableTextIn(item, itemPath, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}
