import type { ChangeFeed } from "./hub-store.js";

/**
 * One replica (SQLite): the replica that made a change has acted on it already, and there is
 * nobody else to tell.
 */
export const localChangeFeed: ChangeFeed = {
  publish: () => Promise.resolve(),
  subscribe: () => () => undefined,
  listening: () => Promise.resolve(),
};
