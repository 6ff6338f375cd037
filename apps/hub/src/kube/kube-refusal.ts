/** A request the kube endpoint answers itself, with a Status object kubectl prints as is. */
export class KubeRefusal extends Error {
  override readonly name = "KubeRefusal";

  constructor(
    readonly httpStatus: 400 | 401 | 403 | 404 | 406 | 413 | 429 | 502 | 503,
    message: string,
    /** Seconds a client should wait before trying again (429, 503). */
    readonly retryAfterSeconds?: number,
    /** For a 403 from the roles: which rule refused (KubeAccessDenial). */
    readonly denial?: string,
  ) {
    super(message);
  }
}
