import { DETECTED_LABEL_KEYS } from "@warren/identity";

/**
 * Listed clusters without the labels their agents detect (the API server's version…): those
 * arrive with a heartbeat, at a moment a test does not wait for, so a test asserting the
 * labels it set compares without them. detected-labels.test.ts asserts the detected ones.
 */
export function withoutDetectedLabels<T extends { labels: Record<string, string> }>(
  listed: readonly T[],
): T[] {
  return listed.map((item) => ({
    ...item,
    labels: Object.fromEntries(
      Object.entries(item.labels).filter(([key]) => !DETECTED_LABEL_KEYS.includes(key)),
    ),
  }));
}
