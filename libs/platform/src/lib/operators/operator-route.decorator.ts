import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { OperatorGuard } from './operator.guard';
import { OPERATOR_ROUTE, type OperatorRouteMetadata } from './operator-route.metadata';
import type { OperatorRole, PublicRoute } from './operators';

/**
 * A route for operators only: `Authorization: Bearer <token>` of an operator with `role` (a
 * `write` operator may also read). On a controller it covers every route (mark the ones that
 * change something `@OperatorWriteRoute()`). `publicAs` lets configuration open it (health
 * probes, a scraper).
 */
export const OperatorRoute = (role: OperatorRole, publicAs?: PublicRoute) =>
  applyDecorators(
    SetMetadata(OPERATOR_ROUTE, { role, publicAs } satisfies OperatorRouteMetadata),
    UseGuards(OperatorGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No operator token, or an unknown one' }),
    ApiForbiddenResponse({ description: 'The operator may only read' }),
  );

/**
 * A route of an `@OperatorRoute('read')` controller that changes something: `write` operators
 * only. Metadata alone: the controller's guard checks it (a second guard would check twice).
 */
export const OperatorWriteRoute = () =>
  SetMetadata(OPERATOR_ROUTE, { role: 'write' } satisfies OperatorRouteMetadata);
