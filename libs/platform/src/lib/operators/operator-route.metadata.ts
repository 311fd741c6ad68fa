import type { OperatorRole, PublicRoute } from './operators';

export const OPERATOR_ROUTE = Symbol('shopbus:operator-route');

/** What `@OperatorRoute` records on a route. */
export interface OperatorRouteMetadata {
  role: OperatorRole;
  /** Open to anyone when the service's PUBLIC_ROUTES names this. */
  publicAs?: PublicRoute;
}
