import type { UserInfo } from "@warren/proto";

export const userJson = (user: UserInfo) => ({
  name: user.name,
  roles: user.roles,
  createdAt: new Date(user.createdAtUnixMs).toISOString(),
  updatedAt: new Date(user.updatedAtUnixMs).toISOString(),
});
