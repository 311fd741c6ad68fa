import { isObservable, lastValueFrom } from 'rxjs';

/**
 * A Nest handler may answer with a value, a promise or an Observable (an interceptor's, or the
 * error Observable an exception filter returns). A message is settled once, so the last value
 * counts, an Observable that completes empty means "no answer", and one that errors rejects.
 */
export async function resultOf(returned: unknown): Promise<unknown> {
  const value = await returned;
  return isObservable(value) ? lastValueFrom(value, { defaultValue: undefined }) : value;
}
