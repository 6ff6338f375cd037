import { useState } from "preact/hooks";

import type { AuditResponse } from "../../src/api-types.ts";
import { query } from "../api.ts";
import { useApi } from "../use-api.ts";
import { Problem, when } from "./parts.tsx";

const FIELDS = ["user", "cluster", "verb", "since", "until"] as const;
type Filters = Record<(typeof FIELDS)[number], string>;

const SESSIONS = new Set(["pods/exec", "pods/attach"]);

/** datetime-local's value (local time) as the ISO time the API takes. */
const iso = (local: string) => (local === "" ? "" : new Date(local).toISOString());

export function AuditPage({ params }: { params: URLSearchParams }) {
  const initial = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ""])) as Filters;
  const [filters, setFilters] = useState<Filters>(initial);
  const [search, setSearch] = useState(initial);
  const events = useApi<AuditResponse>(
    `audit${query({ ...search, since: iso(search.since), until: iso(search.until) })}`,
  );
  const field = (name: (typeof FIELDS)[number], type = "text") => (
    <label>
      {name}
      <input
        name={name}
        type={type}
        value={filters[name]}
        onInput={(e) => {
          setFilters({ ...filters, [name]: e.currentTarget.value });
        }}
      />
    </label>
  );
  return (
    <section>
      <h1>Audit log</h1>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(filters);
        }}
      >
        {field("user")}
        {field("cluster")}
        {field("verb")}
        {field("since", "datetime-local")}
        {field("until", "datetime-local")}
        <button type="submit">Search</button>
      </form>
      <Problem loaded={events} />
      <table>
        <thead>
          <tr>
            <th>Time</th>
            <th>Kind</th>
            <th>User</th>
            <th>Cluster</th>
            <th>Verb</th>
            <th>Resource</th>
            <th>Namespace</th>
            <th>Name</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {events.data?.events.map((e) => (
            <tr data-request={e.requestId} title={e.reason}>
              <td>{when(e.time)}</td>
              <td>{e.stage === "ResponseStarted" ? `${e.kind} (started)` : e.kind}</td>
              <td>{e.user}</td>
              <td>{e.cluster}</td>
              <td>{e.verb}</td>
              <td>{e.resource}</td>
              <td>{e.namespace}</td>
              <td>{e.name}</td>
              <td>{e.stage === "ResponseStarted" ? "" : e.status}</td>
              <td>
                {SESSIONS.has(e.resource) && e.status !== 403 && (
                  <a href={`#/recordings/${e.requestId}`}>Recording</a>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
