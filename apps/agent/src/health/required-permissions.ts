/** What the agent needs from its cluster to serve the hub, checked as the agent itself. */
export const REQUIRED_PERMISSIONS = [
  { verb: "impersonate", resource: "users" },
  { verb: "impersonate", resource: "groups" },
  { verb: "impersonate", resource: "serviceaccounts" },
  { verb: "get", resource: "pods" },
] as const;
