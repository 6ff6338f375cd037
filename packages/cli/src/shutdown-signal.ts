const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * Resolves with the first SIGTERM or SIGINT, for a graceful stop. A second one means the
 * person does not want to wait: the process exits at once.
 */
export function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      for (const s of SIGNALS) process.off(s, onSignal);
      for (const s of SIGNALS) {
        process.once(s, () => {
          process.exit(130);
        });
      }
      resolve(signal);
    };
    for (const s of SIGNALS) process.on(s, onSignal);
  });
}
