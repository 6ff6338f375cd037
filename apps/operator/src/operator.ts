import { setTimeout as sleep } from "node:timers/promises";

import { KubeConfig } from "@kubernetes/client-node";
import { StartedParts } from "@warren/cli";
import { errorFields, type Logger } from "@warren/log";

import type { OperatorConfig } from "./config/operator-config.js";
import { OperatorError, OperatorErrorCode } from "./errors.js";
import { HubAdmin } from "./hub/hub-admin.js";
import { KubeRest } from "./kube/kube-rest.js";
import { LeaderElector } from "./leader/leader-election.js";
import { Controllers } from "./reconcile/controllers.js";
import { OPERATOR_VERSION } from "./version.js";

export interface RunningOperator {
  stop(): Promise<void>;
}

function kubeConfigFor(config: OperatorConfig): KubeConfig {
  const kubeConfig = new KubeConfig();
  try {
    if (config.kubeconfig !== undefined) kubeConfig.loadFromFile(config.kubeconfig);
    else kubeConfig.loadFromCluster();
  } catch (error) {
    throw new OperatorError(
      OperatorErrorCode.NoKubernetes,
      `cannot load ${config.kubeconfig ?? "the in-cluster ServiceAccount"}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new OperatorError(
      OperatorErrorCode.NoKubernetes,
      "no Kubernetes to reach: run in a pod, or give --kubeconfig",
    );
  }
  return kubeConfig;
}

/**
 * The one owner of the operator's parts: replicas elect a leader on a Lease; only the leader
 * runs the controllers. A leader that loses the lease stops them at once; stop() undoes
 * whatever started, in reverse (StartedParts).
 */
export function startOperator(config: OperatorConfig, logger: Logger): RunningOperator {
  const kubeConfig = kubeConfigFor(config);
  const rest = new KubeRest(kubeConfig);
  const hub = new HubAdmin({ ...config, logger: logger.child("hub") });
  const elector = new LeaderElector({
    rest,
    namespace: config.namespace,
    name: config.leaseName,
    identity: config.identity,
    leaseDurationMs: config.leaseDurationMs,
    logger: logger.child("leader"),
  });
  const stopping = new AbortController();
  let controllers: Controllers | undefined;
  const roundMs = Math.max(100, Math.floor(config.leaseDurationMs / 5));

  const lead = async () => {
    const leading = await elector.tryAcquireOrRenew();
    if (leading && !controllers) {
      // Join first so a refusal is logged with its reason before anything reconciles; the
      // controllers start anyway and retry, as the hub may only be late.
      await hub.connect().catch((error: unknown) => {
        logger.error(errorFields(error), "cannot join the hub yet");
      });
      controllers = new Controllers({
        ...config,
        kubeConfig,
        rest,
        hub,
        logger: logger.child("controllers"),
      });
      controllers.start();
    } else if (!leading && controllers) {
      logger.error({ lease: config.leaseName }, "lost the leader lease: stopping reconciliation");
      const stopped = controllers;
      controllers = undefined;
      await stopped.stop();
    }
  };

  const loop = (async () => {
    logger.info(
      {
        version: OPERATOR_VERSION,
        namespace: config.namespace,
        identity: config.identity,
        hubAddr: config.hubAddr,
      },
      "warren-operator starting",
    );
    while (!stopping.signal.aborted) {
      try {
        await lead();
      } catch (error) {
        logger.error(errorFields(error), "leader round failed");
      }
      await sleep(roundMs, undefined, { signal: stopping.signal }).catch(() => undefined);
    }
  })();

  // One owner, as in the hub and the agent: stopped in reverse, the controllers (with the
  // loop that runs them) first, then the lease is handed over, then the hub connection closed.
  const owner = new StartedParts(logger);
  owner.started("hub connection", () => {
    hub.close();
  });
  owner.started("leader lease", () =>
    elector.release().catch((error: unknown) => {
      logger.warn(errorFields(error), "could not release the leader lease");
    }),
  );
  owner.started("leader loop and controllers", async () => {
    stopping.abort();
    await loop;
    await controllers?.stop();
    controllers = undefined;
  });
  return { stop: () => owner.stop(0) };
}
