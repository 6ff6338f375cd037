/** A request the kube endpoint answers itself, with a Status object kubectl prints as is. */
export class KubeRefusal extends Error {
  override readonly name = "KubeRefusal";

  constructor(
    readonly httpStatus: 400 | 401 | 403 | 404 | 406 | 413 | 429 | 499 | 502 | 503,
    message: string,
    /** Seconds a client should wait before trying again (429, 503). */
    readonly retryAfterSeconds?: number,
    /** For a 403 from the roles: which rule refused (KubeAccessDenial). */
    readonly denial?: string,
  ) {
    super(message);
  }
}

/**
 * Why a request ends when its client leaves (nginx's 499): its signal aborts with this, the
 * agent's call is cancelled and the API server's request ends with it.
 */
export const clientClosed = () => new KubeRefusal(499, "the client closed the connection");

export const isClientClosed = (reason: unknown) =>
  reason instanceof KubeRefusal && reason.httpStatus === 499;
