import { caPin, type CertificateAuthority } from "@warren/pki";

import {
  isRotationPhase,
  newCaSignsClients,
  newCaSignsServers,
  type RotationPhase,
} from "./rotation-phase.js";

/** Where the hub keeps its CAs once a rotation has begun (a document, so replicas can CAS it). */
export const AUTHORITIES_DOCUMENT = { kind: "certificate_authorities", name: "hub" } as const;

/** An automatic rotation walks to the next phase after each third of its grace period. */
export interface AutoRotation {
  graceMs: number;
}

/** The hub's CAs and the rotation between them. */
export interface AuthorityState {
  phase: RotationPhase;
  /** The CA everything trusts: the old one while a rotation runs. */
  active: CertificateAuthority;
  /** The CA a rotation moves to, from init until standby or rollback's end. */
  next?: CertificateAuthority;
  /**
   * `next`'s certificate as `active` signs it, and `active`'s as the CA it replaced signed it:
   * sent after the hub's serving certificate, so clients that trust only the earlier CA still
   * verify the hub (and hear why their own certificate is refused, rather than a TLS error).
   */
  nextCrossPem?: string;
  activeCrossPem?: string;
  /** CAs dropped by completed rotations: certificates from them are refused with a way out. */
  retired: string[];
  phaseChangedAt: Date;
  auto?: AutoRotation;
}

/** The state when no rotation ever ran: the CA made at first start, alone. */
export function initialState(active: CertificateAuthority, createdAt: Date): AuthorityState {
  return { phase: "standby", active, retired: [], phaseChangedAt: createdAt };
}

export function encodeState(state: AuthorityState): string {
  return JSON.stringify({ ...state, phaseChangedAt: state.phaseChangedAt.getTime() });
}

export function decodeState(body: string): AuthorityState {
  const raw = JSON.parse(body) as Omit<AuthorityState, "phaseChangedAt" | "retired"> & {
    phaseChangedAt: number;
    retired?: string[];
  };
  if (!isRotationPhase(raw.phase) || !raw.active.certificatePem) {
    throw new Error("the stored certificate authorities are not readable");
  }
  return { ...raw, retired: raw.retired ?? [], phaseChangedAt: new Date(raw.phaseChangedAt) };
}

/** What the hub does with its CAs in a state: who signs what, what is trusted and served. */
export interface AuthorityView {
  /** Signs agents', users' and admins' certificates. */
  clientIssuer: CertificateAuthority;
  /** Signs the hub's serving and SSH host certificates. */
  serverIssuer: CertificateAuthority;
  /** Every CA a client certificate may come from, PEM each. */
  trusted: string[];
  /** What follows a serving certificate in the chain the hub presents. */
  servingChainTail: string;
  /** The pin of the serving CA's key: what people pin and what the hub presents. */
  pin: string;
  /** The pin of the CA that signs clients now. */
  clientPin: string;
}

export function viewOf(state: AuthorityState): AuthorityView {
  const { active, next } = state;
  const clientIssuer = next && newCaSignsClients(state.phase) ? next : active;
  const serverIssuer = next && newCaSignsServers(state.phase) ? next : active;
  const servedFromNext = serverIssuer === next;
  return {
    clientIssuer,
    serverIssuer,
    trusted: [active.certificatePem, ...(next ? [next.certificatePem] : [])],
    servingChainTail:
      (servedFromNext ? state.nextCrossPem : state.activeCrossPem) ?? serverIssuer.certificatePem,
    pin: caPin(serverIssuer.certificatePem),
    clientPin: caPin(clientIssuer.certificatePem),
  };
}
