import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { createCertificateAuthority, generateKeyPair, issueCertificate } from "@warren/pki";

/** The admin identity: Kubernetes grants the group system:masters everything. */
export const ADMIN_USER = "warren-test-admin";
export const ADMIN_GROUP = "system:masters";

const YEAR_MS = 365 * 24 * 3_600_000;

export interface ClusterPki {
  caCertPath: string;
  caKeyPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  serviceAccountKeyPath: string;
  serviceAccountPublicKeyPath: string;
  /** The test kubelet's serving certificate, for 127.0.0.1. */
  kubeletCertPath: string;
  kubeletKeyPath: string;
  /** What the API server presents to kubelets. */
  apiServerKubeletClientCertPath: string;
  apiServerKubeletClientKeyPath: string;
  caPem: string;
  caKeyPem: string;
  adminCertPem: string;
  adminKeyPem: string;
}

async function writePrivate(path: string, pem: string): Promise<string> {
  await writeFile(path, pem, { mode: 0o600 });
  return path;
}

/**
 * One CA signs the API server's serving certificate and verifies client certificates; a
 * separate key pair signs ServiceAccount tokens. Keys are made here, where they are used.
 */
export async function writeClusterPki(dir: string): Promise<ClusterPki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = await createCertificateAuthority({
    subject: { commonName: "warren-test-kubernetes-ca" },
    validityMs: YEAR_MS,
  });
  const [serverKeys, adminKeys, serviceAccountKeys, kubeletKeys, kubeletClientKeys] =
    await Promise.all([
      generateKeyPair(),
      generateKeyPair(),
      generateKeyPair(),
      generateKeyPair(),
      generateKeyPair(),
    ]);
  const serverCertPem = issueCertificate({
    ca,
    publicKeyPem: serverKeys.publicKeyPem,
    subject: { commonName: "kube-apiserver" },
    dnsNames: ["localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc"],
    ipAddresses: ["127.0.0.1"],
    usages: ["serverAuth"],
    validityMs: YEAR_MS,
  });
  const adminCertPem = issueCertificate({
    ca,
    publicKeyPem: adminKeys.publicKeyPem,
    subject: { commonName: ADMIN_USER, organizations: [ADMIN_GROUP] },
    usages: ["clientAuth"],
    validityMs: YEAR_MS,
  });
  const kubeletCertPem = issueCertificate({
    ca,
    publicKeyPem: kubeletKeys.publicKeyPem,
    subject: { commonName: "warren-test-node" },
    ipAddresses: ["127.0.0.1"],
    usages: ["serverAuth"],
    validityMs: YEAR_MS,
  });
  const kubeletClientCertPem = issueCertificate({
    ca,
    publicKeyPem: kubeletClientKeys.publicKeyPem,
    subject: { commonName: "kube-apiserver-kubelet-client" },
    usages: ["clientAuth"],
    validityMs: YEAR_MS,
  });
  const path = (name: string) => join(dir, name);
  await writeFile(path("ca.crt"), ca.certificatePem);
  await writeFile(path("apiserver.crt"), serverCertPem);
  await writeFile(path("sa.pub"), serviceAccountKeys.publicKeyPem);
  await writeFile(path("kubelet.crt"), kubeletCertPem);
  await writeFile(path("apiserver-kubelet-client.crt"), kubeletClientCertPem);
  return {
    caCertPath: path("ca.crt"),
    caKeyPath: await writePrivate(path("ca.key"), ca.privateKeyPem),
    serverCertPath: path("apiserver.crt"),
    serverKeyPath: await writePrivate(path("apiserver.key"), serverKeys.privateKeyPem),
    serviceAccountKeyPath: await writePrivate(path("sa.key"), serviceAccountKeys.privateKeyPem),
    serviceAccountPublicKeyPath: path("sa.pub"),
    kubeletCertPath: path("kubelet.crt"),
    kubeletKeyPath: await writePrivate(path("kubelet.key"), kubeletKeys.privateKeyPem),
    apiServerKubeletClientCertPath: path("apiserver-kubelet-client.crt"),
    apiServerKubeletClientKeyPath: await writePrivate(
      path("apiserver-kubelet-client.key"),
      kubeletClientKeys.privateKeyPem,
    ),
    caPem: ca.certificatePem,
    caKeyPem: ca.privateKeyPem,
    adminCertPem,
    adminKeyPem: adminKeys.privateKeyPem,
  };
}
