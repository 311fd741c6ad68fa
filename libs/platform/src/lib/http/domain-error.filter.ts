import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { DomainError } from './domain-error';

const REASONS: Record<DomainError['status'], string> = {
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Answers a DomainError with its status and message, in Nest's usual error shape. A message
 * handler's DomainError (outside HTTP) is passed on to the messaging library untouched.
 */
@Catch(DomainError)
export class DomainErrorFilter implements ExceptionFilter {
  catch(error: DomainError, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    host
      .switchToHttp()
      .getResponse<{ status(code: number): { json(body: unknown): void } }>()
      .status(error.status)
      .json({ statusCode: error.status, error: REASONS[error.status], message: error.message });
  }
}
