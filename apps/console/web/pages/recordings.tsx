import type { RecordingsResponse } from "../../src/api-types.ts";
import { useApi } from "../use-api.ts";
import { Problem, when } from "./parts.tsx";

const length = (startedAt: string, endedAt: string | undefined) =>
  endedAt === undefined
    ? "running"
    : `${((Date.parse(endedAt) - Date.parse(startedAt)) / 1000).toFixed(1)} s`;

/** Recorded exec and attach sessions; `running`: only those still going (live sessions). */
export function RecordingsPage({ running }: { running: boolean }) {
  const recordings = useApi<RecordingsResponse>(running ? "recordings?running=true" : "recordings");
  return (
    <section>
      <h1>{running ? "Live sessions" : "Recorded sessions"}</h1>
      <Problem loaded={recordings} />
      {recordings.data?.recordings.length === 0 && (
        <p>{running ? "No exec or attach session is running." : "No session was recorded."}</p>
      )}
      <table>
        <thead>
          <tr>
            <th>Started</th>
            <th>User</th>
            <th>Cluster</th>
            <th>Pod</th>
            <th>Command</th>
            <th>Length</th>
            <th>Exit</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {recordings.data?.recordings.map((r) => (
            <tr data-recording={r.id}>
              <td>{when(r.startedAt)}</td>
              <td>{r.user}</td>
              <td>{r.cluster}</td>
              <td>
                {r.namespace}/{r.pod}
                {r.container ? `:${r.container}` : ""}
              </td>
              <td>
                <code>{r.subresource === "attach" ? "(attach)" : r.command.join(" ")}</code>
              </td>
              <td>{length(r.startedAt, r.endedAt)}</td>
              <td>{r.exitCode ?? r.endReason}</td>
              <td>
                <a href={`#/recordings/${r.id}`}>Play</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
