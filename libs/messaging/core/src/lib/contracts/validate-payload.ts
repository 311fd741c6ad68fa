import type { z } from 'zod';
import { MessageValidationError } from '../errors';

/**
 * Parses a payload with its schema, turning zod's issues into one readable error: the same check
 * guards messages going out (a bug in the sender) and coming in (a foreign or older sender).
 */
export function validatePayload<S extends z.ZodType>(
  messageType: string,
  schema: S,
  value: unknown,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map(
    (issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`,
  );
  throw new MessageValidationError(messageType, issues);
}
