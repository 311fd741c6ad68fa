import {
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OPERATOR_ROUTE, type OperatorRouteMetadata } from './operator-route.metadata';
import { operatorOf, type Operator, type PublicRoute } from './operators';

export const OPERATOR_ACCESS = Symbol('shopbus:operator-access');

/** What the guard reads of an HTTP request (express's, without depending on its types). */
interface OperatorRequest {
  method: string;
  originalUrl: string;
  headers: { authorization?: string };
}

/** Who may use the operator routes, and which of them configuration opened to anyone. */
export interface OperatorAccess {
  operators: readonly Operator[];
  publicRoutes: readonly PublicRoute[];
}

/**
 * Lets a request through to an operator route only with the bearer token of an operator whose
 * role allows it: 401 without a token or with an unknown one, 403 for a read-only operator on a
 * route that changes something. Every request it lets through is logged with the operator's
 * name, so that who replayed or purged what can be told afterwards.
 */
@Injectable()
export class OperatorGuard implements CanActivate {
  private readonly logger = new Logger('operators');

  constructor(
    private readonly reflector: Reflector,
    @Inject(OPERATOR_ACCESS) private readonly access: OperatorAccess,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const route = this.reflector.getAllAndOverride<OperatorRouteMetadata | undefined>(
      OPERATOR_ROUTE,
      [context.getHandler(), context.getClass()],
    );
    if (!route) return true;
    if (route.publicAs && this.access.publicRoutes.includes(route.publicAs)) return true;
    const request = context.switchToHttp().getRequest<OperatorRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) {
      throw new UnauthorizedException(
        'This is an operator route: send Authorization: Bearer <token> (OPERATOR_TOKENS)',
      );
    }
    const operator = operatorOf(this.access.operators, token);
    if (!operator) throw new UnauthorizedException('The operator token is not known here');
    if (route.role === 'write' && operator.role !== 'write') {
      throw new ForbiddenException(`${operator.name} may read here, not change anything`);
    }
    this.logger.log({
      msg: 'operator request',
      operator: operator.name,
      method: request.method,
      path: request.originalUrl,
    });
    return true;
  }
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer ([^\s]+)$/i.exec(header ?? '');
  return match?.[1];
}
