/** A request the kube endpoint answers itself, with a Status object kubectl prints as is. */
export class KubeRefusal extends Error {
  override readonly name = "KubeRefusal";

  constructor(
    readonly httpStatus: 400 | 401 | 403 | 404 | 502 | 503,
    message: string,
  ) {
    super(message);
  }
}
