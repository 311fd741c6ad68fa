import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Hands every error of a message handler on to shopbus unchanged. Nest's default RPC exception
 * filter replaces an error it does not know by `{ status: 'error', message: 'Internal server
 * error' }`, which would leave the dead letter without its reason and make a `NonRetryableError`
 * look retryable. Register it on the microservice (`microservice.useGlobalFilters(...)`) or on a
 * controller (`@UseFilters(MessageErrorsFilter)`); a more specific filter still comes first.
 */
@Catch()
export class MessageErrorsFilter implements RpcExceptionFilter {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
