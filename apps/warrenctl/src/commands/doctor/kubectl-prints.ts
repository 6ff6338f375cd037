/**
 * What kubectl (1.32, measured in doctor-kubeconfig.test.ts against the hub) prints for each
 * problem a kubeconfig can have, so a finding can be matched to the error a user pastes. On a
 * 401 kubectl prints its own words, not the hub's Status; the hub's reason reaches the user
 * only as the `Warning:` line before them (see warningHeaderValue).
 */
export const KubectlPrints = {
  /** Any 401 from the hub, with no discovery cache (a user's first command). */
  unauthorized:
    "error: You must be logged in to the server (the server has asked for the client to provide credentials)",
  /** No context to use: kubectl falls back to the default server. */
  noContext:
    "The connection to the server localhost:8080 was refused - did you specify the right host or port?",
  missingContext: (name: string) =>
    `Error in configuration: context was not found for specified context: ${name}`,
  /**
   * A context whose user is not in the file, or a user with no credentials: kubectl asks for
   * a basic-auth user name ("Please enter Username:"), and with no terminal to ask on, fails.
   */
  noCredentials: "error: EOF",
  unreadable: (what: string, path: string, owner: string) =>
    `unable to read ${what} ${path} for ${owner} due to open ${path}`,
  keyMismatch: "tls: private key does not match public key",
  unknownAuthority: "x509: certificate signed by unknown authority",
  /**
   * What kubectl prints of the hub's reason for a refusal: the Warning header the hub sends
   * with it (kubectl's own error line then says only "unknown", or NotFound).
   */
  warning: (message: string) => `Warning: ${message}`,
} as const;
