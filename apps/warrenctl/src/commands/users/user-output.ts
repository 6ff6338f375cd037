import type { UserInfo } from "@warren/proto";

export const userJson = (user: UserInfo) => ({
  name: user.name,
  roles: user.roles,
  origin: user.origin || "local",
  hasPassword: user.hasPassword,
  createdAt: new Date(user.createdAtUnixMs).toISOString(),
  updatedAt: new Date(user.updatedAtUnixMs).toISOString(),
  lock: user.lock
    ? {
        reason: user.lock.reason,
        lockedBy: user.lock.lockedBy,
        lockedAt: new Date(user.lock.lockedAtUnixMs).toISOString(),
        expiresAt:
          user.lock.expiresAtUnixMs === 0
            ? null
            : new Date(user.lock.expiresAtUnixMs).toISOString(),
      }
    : null,
});
