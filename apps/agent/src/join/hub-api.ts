import {
  callUnary,
  isServiceError,
  isUnreachable,
  fetchPresentedCertificates,
  presentedRootCa,
  hubChannel,
  refusalReasonOf,
  type HubTlsCredentials,
} from "@warren/hub-client";
import { hostPort } from "@warren/config";
import type { Labels } from "@warren/identity";
import { caPin, createCertificateRequest, generateKeyPair, issuerIn } from "@warren/pki";
import {
  JoinServiceClient,
  type AgentIdentity,
  type AgentPlacement,
  type TunnelInfo,
} from "@warren/proto";

import { AgentError, AgentErrorCode } from "../errors.js";
import type { AgentState } from "../state/agent-state.js";
import type { HubVerdict } from "./hub-verdict.js";

export interface JoinRequestOptions {
  token: string;
  clusterName: string;
  labels: Labels;
}

/** A new identity, and where the hub's tunnel is. */
export interface Joined {
  state: AgentState;
  tunnel: TunnelInfo | undefined;
}

/** The agent's calls to the hub, as an interface so the identity logic can be tested alone. */
export interface HubApi {
  join(request: JoinRequestOptions): Promise<Joined>;
  verify(state: AgentState): Promise<HubVerdict>;
  renew(state: AgentState): Promise<AgentState>;
}

/** Pins of every certificate in a PEM bundle. */
export function bundlePins(bundlePem: string): string[] {
  return (
    bundlePem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  ).map(caPin);
}

export interface GrpcHubApiOptions {
  hubAddr: string;
  /** sha256:… the hub's CA must match before the first join, when set. */
  caPin: string | undefined;
  agentVersion: string;
  /** Join by this provision token: the token read is then a ServiceAccount token. */
  provisionToken?: string | undefined;
  /** Where the agent runs, told to the hub with the join. */
  placement?: AgentPlacement;
}

export class GrpcHubApi implements HubApi {
  /** The CAs this agent told it pins another: once each, not on every retry. */
  private readonly reportedTo = new Set<string>();

  constructor(private readonly options: GrpcHubApiOptions) {}

  /**
   * Tells a hub whose CA is not the pinned one that this agent will not join it: the cluster
   * name, the pin and where the agent runs, never the token. Its doctor can then name the
   * agent if that hub replaced the pinned one. Best effort: a failure changes nothing.
   */
  private async reportPinMismatch(caPem: string, clusterName: string, pinned: string) {
    const presented = caPin(caPem);
    if (this.reportedTo.has(presented)) return;
    this.reportedTo.add(presented);
    const request = { clusterName, pinnedCaPin: pinned, placement: this.options.placement };
    await this.call({ caPem }, (client) =>
      callUnary(client.reportPinMismatch.bind(client), request),
    ).catch(() => undefined);
  }

  /** The hub's CA as a trust anchor (`anchor`), or the top of its chain (enough for a pin). */
  private async presentedCa(anchor: boolean): Promise<string> {
    const { host, port } = hostPort()(this.options.hubAddr);
    try {
      return anchor
        ? await presentedRootCa({ host, port })
        : (await fetchPresentedCertificates({ host, port })).rootPem;
    } catch (error) {
      throw new AgentError(
        AgentErrorCode.HubUnreachable,
        `cannot reach the hub at ${this.options.hubAddr}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /**
   * One call over a fresh channel. An unreachable hub becomes HubUnreachable; with `refused`,
   * any other refusal becomes that AgentError, quoting the hub's message.
   */
  private async call<Response>(
    tls: HubTlsCredentials,
    invoke: (client: JoinServiceClient) => Promise<Response>,
    refused?: { code: AgentErrorCode; what: string },
  ): Promise<Response> {
    const channel = hubChannel(this.options.hubAddr, tls);
    const client = new JoinServiceClient(channel.target, channel.credentials, channel.options);
    try {
      return await invoke(client);
    } catch (error) {
      if (!isServiceError(error)) throw error;
      if (isUnreachable(error)) {
        throw new AgentError(
          AgentErrorCode.HubUnreachable,
          `cannot reach the hub at ${this.options.hubAddr}: ${error.details}`,
          { cause: error },
        );
      }
      if (refused) {
        throw new AgentError(refused.code, `the hub refused ${refused.what}: ${error.details}`, {
          cause: error,
        });
      }
      throw error;
    } finally {
      client.close();
    }
  }

  private stateFrom(identity: AgentIdentity | undefined, privateKeyPem: string): AgentState {
    if (!identity) throw new Error("the hub answered without an identity");
    return {
      agentId: identity.agentId,
      clusterName: identity.clusterName,
      labels: identity.labels,
      hubAddr: this.options.hubAddr,
      privateKeyPem,
      certificatePem: identity.certificatePem,
      caPem: identity.caCertificatesPem.join(""),
    };
  }

  async join(request: JoinRequestOptions): Promise<Joined> {
    const caPem = await this.presentedCa(true);
    const presentedPin = caPin(caPem);
    if (this.options.caPin !== undefined && this.options.caPin !== presentedPin) {
      await this.reportPinMismatch(caPem, request.clusterName, this.options.caPin);
      throw new AgentError(
        AgentErrorCode.CaMismatch,
        `the hub at ${this.options.hubAddr} presents CA ${presentedPin}, not the pinned ` +
          `${this.options.caPin}: it is not the hub that minted the token, or that hub was reset; ` +
          "check the hub address and the caPin value",
      );
    }
    const keys = await generateKeyPair();
    const response = await this.call(
      { caPem },
      (client) =>
        callUnary(client.join.bind(client), {
          token: request.token,
          csrPem: createCertificateRequest(keys, request.clusterName),
          clusterName: request.clusterName,
          labels: request.labels,
          agentVersion: this.options.agentVersion,
          provisionToken: this.options.provisionToken ?? "",
          placement: this.options.placement,
        }),
      { code: AgentErrorCode.JoinRefused, what: "the join" },
    );
    return {
      state: this.stateFrom(response.identity, keys.privateKeyPem),
      tunnel: response.tunnel,
    };
  }

  async verify(state: AgentState): Promise<HubVerdict> {
    let top: string;
    try {
      top = await this.presentedCa(false);
    } catch (error) {
      return { kind: "unreachable", message: (error as Error).message };
    }
    const presentedPin = caPin(top);
    const trustedPins = bundlePins(state.caPem);
    // A CA we trust vouches for the one presented: the same hub, serving from a new CA in a
    // rotation whose push this agent missed; it catches up below.
    const vouched = trustedPins.includes(presentedPin) || issuerIn(top, state.caPem) !== undefined;
    if (!vouched) return { kind: "ca_changed", trustedPins, presentedPin };
    try {
      const answer = await this.call(state, (client) =>
        callUnary(client.checkIdentity.bind(client), {}),
      );
      return {
        kind: "recognised",
        certificateExpiresAt: new Date(answer.certificateExpiresAtUnixMs),
        tunnel: answer.tunnel,
        caCertificatesPem: answer.caCertificatesPem,
      };
    } catch (error) {
      if (error instanceof AgentError) return { kind: "unreachable", message: error.message };
      if (isServiceError(error) && refusalReasonOf(error) !== undefined) {
        return { kind: "rejected", message: error.details };
      }
      throw error;
    }
  }

  async renew(state: AgentState): Promise<AgentState> {
    const keys = await generateKeyPair();
    const response = await this.call(
      state,
      (client) =>
        callUnary(client.renewCertificate.bind(client), {
          csrPem: createCertificateRequest(keys, state.agentId),
        }),
      { code: AgentErrorCode.IdentityRejected, what: "to renew" },
    );
    return this.stateFrom(response.identity, keys.privateKeyPem);
  }
}
