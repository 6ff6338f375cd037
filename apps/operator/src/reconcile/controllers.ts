import {
  CustomObjectsApi,
  makeInformer,
  type Informer,
  type KubeConfig,
  type KubernetesListObject,
  type ObjectCache,
} from "@kubernetes/client-node";
import { errorFields, type Logger } from "@warren/log";

import type { HubAdmin } from "../hub/hub-admin.js";
import type { KubeRest } from "../kube/kube-rest.js";
import {
  GROUP,
  IGNORE_ANNOTATION,
  KEEP_ANNOTATION,
  VERSION,
  type CustomResource,
} from "./custom-resource.js";
import { Reconciler, RetryLater } from "./reconciler.js";
import { RESOURCE_KINDS, type ResourceKind } from "./resource-kinds.js";
import { WorkQueue } from "./work-queue.js";

export interface ControllersOptions {
  kubeConfig: KubeConfig;
  rest: KubeRest;
  hub: HubAdmin;
  namespace: string;
  resyncPeriodMs: number;
  logger: Logger;
}

type CrInformer = Informer<CustomResource> & ObjectCache<CustomResource>;

interface Watched {
  kind: ResourceKind;
  informer: CrInformer;
  reconciler: Reconciler;
}

/**
 * What a reconcile depends on: the spec (generation), deletion and the two annotations. Status,
 * finalizers and resourceVersion change with the operator's own writes.
 */
const fingerprint = (resource: CustomResource): string =>
  JSON.stringify([
    resource.metadata.generation,
    resource.metadata.deletionTimestamp ?? null,
    resource.metadata.annotations?.[KEEP_ANNOTATION] ?? null,
    resource.metadata.annotations?.[IGNORE_ANNOTATION] ?? null,
  ]);

/** Reconciles at once (never two of one resource): most of each is waiting on the hub. */
const RECONCILE_WORKERS = 4;

/** How long a failed watch waits before listing again. */
const WATCH_RESTART_MS = 2000;

/**
 * One informer per kind in the operator's namespace, feeding one queue that a few workers
 * drain (a user whose role is not there yet is retried once it is).
 */
export class Controllers {
  private readonly queue = new WorkQueue();
  private readonly watched: Watched[] = [];
  /** Each resource's fingerprint when last queued. */
  private readonly seen = new Map<string, string>();
  /** Each kind's latest informer start. */
  private readonly starting = new Map<string, Promise<void>>();
  private resync: NodeJS.Timeout | undefined;
  private worker: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: ControllersOptions) {}

  start(): void {
    const { kubeConfig, namespace, logger } = this.options;
    const api = kubeConfig.makeApiClient(CustomObjectsApi);
    for (const kind of RESOURCE_KINDS) {
      const path = `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${kind.plural}`;
      const list = () =>
        api.listNamespacedCustomObject({
          group: GROUP,
          version: VERSION,
          namespace,
          plural: kind.plural,
        }) as Promise<KubernetesListObject<CustomResource>>;
      const informer: CrInformer = makeInformer(kubeConfig, path, list);
      const key = (resource: CustomResource) => `${kind.plural}/${resource.metadata.name}`;
      informer.on("add", (r) => {
        this.seen.set(key(r), fingerprint(r));
        this.queue.add(key(r));
      });
      informer.on("update", (r) => {
        // Our own status and finalizer writes come back as updates: they need no reconcile.
        if (this.seen.get(key(r)) === fingerprint(r)) return;
        this.seen.set(key(r), fingerprint(r));
        this.queue.add(key(r));
      });
      informer.on("delete", (r) => {
        this.seen.delete(key(r));
        this.queue.forget(key(r));
      });
      informer.on("error", (error) => {
        // stop() aborts the watches: that is no failure.
        if (this.stopped) return;
        logger.warn({ kind: kind.kind, ...errorFields(error) }, "watch failed; listing again soon");
        setTimeout(() => {
          if (!this.stopped) this.startInformer(kind, informer);
        }, WATCH_RESTART_MS).unref();
      });
      this.watched.push({
        kind,
        informer,
        reconciler: new Reconciler(kind, { ...this.options, logger: logger.child("reconcile") }),
      });
    }
    for (const { kind, informer } of this.watched) this.startInformer(kind, informer);
    this.worker = this.queue.run(
      (key) => this.reconcile(key),
      (key, error) => {
        const fields = error instanceof RetryLater ? { reason: error.message } : errorFields(error);
        logger.warn({ resource: key, ...fields }, "reconcile failed; retrying");
      },
      RECONCILE_WORKERS,
    );
    this.resync = setInterval(() => {
      this.enqueueAll();
    }, this.options.resyncPeriodMs);
    logger.info(
      { namespace, kinds: RESOURCE_KINDS.map((k) => k.kind) },
      "watching custom resources",
    );
  }

  private startInformer(kind: ResourceKind, informer: CrInformer): void {
    const started = informer.start().catch((error: unknown) => {
      this.options.logger.warn(
        { kind: kind.kind, ...errorFields(error) },
        `cannot list ${kind.plural}.${GROUP}: is the CRD installed (the chart installs it)?`,
      );
      setTimeout(() => {
        if (!this.stopped) this.startInformer(kind, informer);
      }, WATCH_RESTART_MS).unref();
    });
    this.starting.set(kind.plural, started);
  }

  private enqueueAll(): void {
    for (const { kind, informer } of this.watched) {
      for (const resource of informer.list(this.options.namespace))
        this.queue.add(`${kind.plural}/${resource.metadata.name}`);
    }
  }

  private async reconcile(key: string): Promise<void> {
    const [plural, name] = key.split("/") as [string, string];
    const watched = this.watched.find((w) => w.kind.plural === plural);
    const resource = watched?.informer.get(name, this.options.namespace);
    if (!watched || !resource) return;
    await watched.reconciler.reconcile(resource);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.resync) clearInterval(this.resync);
    this.queue.stop();
    const stopAll = () => Promise.all(this.watched.map(({ informer }) => informer.stop()));
    await stopAll();
    // client-node opens the watch after a list that was in flight when stopped: wait for the
    // starts, and stop again.
    await Promise.allSettled(this.starting.values());
    await stopAll();
    await this.worker;
  }
}
