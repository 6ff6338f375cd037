import { HealthState } from "./gen/warren/v1/common.js";

/** A health state as logs and listings name it: "healthy", "missing_permissions", … */
export function healthStateName(state: HealthState): string {
  return (
    (HealthState[state] as string | undefined)?.replace(/^HEALTH_STATE_/, "").toLowerCase() ??
    "unknown"
  );
}
