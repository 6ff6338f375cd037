/** How a remote command ended, from what the API server wrote on its error channel. */
export interface ExitStatus {
  exitCode?: number;
  reason: string;
}

interface ErrorChannelStatus {
  status?: string;
  reason?: string;
  message?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

const MAX_REASON = 1024;

/**
 * Kubernetes' remote command protocol (v4 and later) ends with a Status on the error channel:
 * Success, or Failure with reason NonZeroExitCode and the code as an ExitCode cause. Earlier
 * versions write a plain message on failure and nothing on success.
 */
export function exitStatusOf(errorChannel: Buffer): ExitStatus {
  const text = errorChannel.toString("utf8").trim();
  if (text === "") return { reason: "" };
  let status: ErrorChannelStatus;
  try {
    status = JSON.parse(text) as ErrorChannelStatus;
  } catch {
    return { reason: text.slice(0, MAX_REASON) };
  }
  if (status.status === "Success") return { exitCode: 0, reason: "exit code 0" };
  const code = Number(status.details?.causes?.find((c) => c.reason === "ExitCode")?.message);
  if (status.reason === "NonZeroExitCode" && Number.isInteger(code)) {
    return { exitCode: code, reason: `exit code ${code}` };
  }
  return { reason: (status.message ?? status.reason ?? text).slice(0, MAX_REASON) };
}
