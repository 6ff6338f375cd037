import type { ClustersResponse } from "../../src/api-types.ts";
import { useApi } from "../use-api.ts";
import { Health, Labels, Problem } from "./parts.tsx";

export function ClustersPage() {
  const clusters = useApi<ClustersResponse>("clusters");
  return (
    <section>
      <h1>Your clusters</h1>
      <Problem loaded={clusters} />
      {clusters.data?.clusters.length === 0 && <p>Your roles reach no cluster on this hub.</p>}
      <table>
        <thead>
          <tr>
            <th>Cluster</th>
            <th>Labels</th>
            <th>Health</th>
            <th>Agents</th>
            <th>kubectl</th>
          </tr>
        </thead>
        <tbody>
          {clusters.data?.clusters.map((c) => (
            <tr data-cluster={c.name}>
              <td>{c.name}</td>
              <td>
                <Labels labels={c.labels} />
              </td>
              <td>
                <Health state={c.health} reason={c.healthReason} />
              </td>
              <td>{c.agentsConnected}</td>
              <td>
                <a href={`/v1/web/kubeconfig?cluster=${encodeURIComponent(c.name)}`} download>
                  Download kubeconfig
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="hint">
        The kubeconfig asks <code>warren</code> for a short-lived certificate: run{" "}
        <code>warren login</code> on that machine first.
      </p>
    </section>
  );
}
