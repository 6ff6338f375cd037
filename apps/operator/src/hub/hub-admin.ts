import { readFile } from "node:fs/promises";

import { status } from "@grpc/grpc-js";
import { callUnary, classifyCallFailure, presentedRootCa, hubChannel } from "@warren/hub-client";
import type { Logger } from "@warren/log";
import { caPin, createCertificateRequest, generateKeyPair } from "@warren/pki";
import { AdminServiceClient, JoinServiceClient } from "@warren/proto";

import { OperatorError, OperatorErrorCode } from "../errors.js";

export interface HubAdminOptions {
  hubAddr: string;
  caPin: string | undefined;
  provisionToken: string;
  tokenFile: string;
  logger: Logger;
  now?: () => number;
}

interface Enrolment {
  client: AdminServiceClient;
  /** Enrol again after this: two thirds of the certificate's life. */
  renewAtMs: number;
}

type UnaryMethod<Request, Response> = Parameters<typeof callUnary<Request, Response>>[0];

/**
 * The operator's admin connection to the hub. It joins with a provision token and a fresh
 * ServiceAccount token (no stored secret), and joins again before the certificate expires or
 * when the hub stops accepting it.
 */
export class HubAdmin {
  private enrolment: Enrolment | undefined;
  private enrolling: Promise<Enrolment> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: HubAdminOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Calls an AdminService method, enrolling first when needed. */
  async call<Request, Response>(
    pick: (client: AdminServiceClient) => UnaryMethod<Request, Response>,
    request: Request,
  ): Promise<Response> {
    const enrolment = await this.current();
    try {
      return await callUnary(pick(enrolment.client), request);
    } catch (error) {
      // Revoked or expired on the hub's side: the next call enrols again.
      const failure = classifyCallFailure(error);
      if (failure?.kind === "refused" && failure.code === status.UNAUTHENTICATED) this.drop();
      throw error;
    }
  }

  /** Joins now (or reuses a good identity), so a refused join is known at once. */
  async connect(): Promise<void> {
    await this.current();
  }

  close(): void {
    this.drop();
  }

  private drop(): void {
    this.enrolment?.client.close();
    this.enrolment = undefined;
  }

  private async current(): Promise<Enrolment> {
    if (this.enrolment && this.now() < this.enrolment.renewAtMs) return this.enrolment;
    this.enrolling ??= this.enrol().finally(() => {
      this.enrolling = undefined;
    });
    const fresh = await this.enrolling;
    if (this.enrolment !== fresh) this.enrolment?.client.close();
    this.enrolment = fresh;
    return fresh;
  }

  private async pinnedCa(): Promise<string> {
    const [host, port] = splitHostPort(this.options.hubAddr);
    let rootPem: string;
    try {
      rootPem = await presentedRootCa({ host, port });
    } catch (error) {
      throw new OperatorError(
        OperatorErrorCode.HubUnreachable,
        `cannot reach the hub at ${this.options.hubAddr}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const presented = caPin(rootPem);
    if (this.options.caPin === undefined) {
      this.options.logger.warn(
        { hubAddr: this.options.hubAddr, presentedPin: presented },
        "joining without a CA pin: trusting the CA the hub presents; set WARREN_CA_PIN to verify it",
      );
      return rootPem;
    }
    if (presented !== this.options.caPin) {
      throw new OperatorError(
        OperatorErrorCode.CaMismatch,
        `the hub at ${this.options.hubAddr} presents CA ${presented}, not the pinned ` +
          `${this.options.caPin}: check hubAddr and caPin (warrenctl status prints the pin)`,
      );
    }
    return rootPem;
  }

  private async serviceAccountToken(): Promise<string> {
    try {
      return (await readFile(this.options.tokenFile, "utf8")).trim();
    } catch (error) {
      throw new OperatorError(
        OperatorErrorCode.NoServiceAccountToken,
        `cannot read the ServiceAccount token at ${this.options.tokenFile} ` +
          `(${(error as Error).message}): mount a projected token with the hub's name as audience`,
        { cause: error },
      );
    }
  }

  private async enrol(): Promise<Enrolment> {
    const { hubAddr, provisionToken } = this.options;
    const caPem = await this.pinnedCa();
    const keys = await generateKeyPair();
    const join = hubChannel(hubAddr, { caPem });
    const joinClient = new JoinServiceClient(join.target, join.credentials, join.options);
    let enrolled;
    try {
      enrolled = await callUnary(joinClient.enrollAdmin.bind(joinClient), {
        token: await this.serviceAccountToken(),
        csrPem: createCertificateRequest(keys, "warren-operator"),
        name: "",
        provisionToken,
      });
    } catch (error) {
      const failure = classifyCallFailure(error);
      if (!failure) throw error;
      throw new OperatorError(
        failure.kind === "refused"
          ? OperatorErrorCode.JoinRefused
          : OperatorErrorCode.HubUnreachable,
        `the hub at ${hubAddr} refused the operator's join with provision token ` +
          `${provisionToken}: ${failure.details}`,
        { cause: error },
      );
    } finally {
      joinClient.close();
    }
    const channel = hubChannel(hubAddr, {
      caPem: enrolled.caCertificatesPem.join(""),
      certificatePem: enrolled.certificatePem,
      privateKeyPem: keys.privateKeyPem,
    });
    const now = this.now();
    this.options.logger.info(
      { hubAddr, provisionToken, expiresAt: new Date(enrolled.expiresAtUnixMs).toISOString() },
      "joined the hub as an admin",
    );
    return {
      client: new AdminServiceClient(channel.target, channel.credentials, channel.options),
      renewAtMs: now + ((enrolled.expiresAtUnixMs - now) * 2) / 3,
    };
  }
}

function splitHostPort(addr: string): [string, number] {
  const colon = addr.lastIndexOf(":");
  return [addr.slice(0, colon).replace(/^\[|\]$/g, ""), Number(addr.slice(colon + 1))];
}
