import type { AgentsResponse } from "../../src/api-types.ts";
import { useApi } from "../use-api.ts";
import { Health, Problem, when } from "./parts.tsx";

export function AgentsPage() {
  const agents = useApi<AgentsResponse>("agents");
  return (
    <section>
      <h1>Agents</h1>
      <Problem loaded={agents} />
      <table>
        <thead>
          <tr>
            <th>Cluster</th>
            <th>Agent</th>
            <th>Version</th>
            <th>Tunnel</th>
            <th>Round trip</th>
            <th>Last heartbeat</th>
            <th>Health</th>
            <th>Pod</th>
          </tr>
        </thead>
        <tbody>
          {agents.data?.agents.map((a) => (
            <tr data-agent={a.id}>
              <td>{a.cluster}</td>
              <td>
                <code>{a.id}</code>
              </td>
              <td>{a.version}</td>
              <td>{a.connected ? "connected" : "offline"}</td>
              <td>{a.connected && a.rttMs > 0 ? `${a.rttMs.toFixed(1)} ms` : "–"}</td>
              <td>{when(a.lastHeartbeatAt)}</td>
              <td>
                <Health state={a.health} />
              </td>
              <td>{a.pod ? `${a.namespace}/${a.pod}` : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
