/** A console API request refused: its status, and a message the page shows as it is. */
export class ConsoleRefusal extends Error {
  override readonly name = "ConsoleRefusal";

  constructor(
    readonly httpStatus: 400 | 401 | 403 | 404 | 405 | 429 | 503,
    message: string,
  ) {
    super(message);
  }
}
