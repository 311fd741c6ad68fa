/**
 * An error a service's domain raises that has a clear HTTP meaning: not found (404), a conflict
 * with the current state (409), a well-formed request that cannot be honoured (422), a
 * dependency that did not answer (503/504). The DomainErrorFilter turns it into that response,
 * with its message, so that controllers stay free of try/catch.
 */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409 | 422 | 503 | 504,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
