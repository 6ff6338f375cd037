import { useState } from "preact/hooks";

import type { MeResponse } from "../src/api-types.ts";
import { logOut } from "./api.ts";
import { AgentsPage } from "./pages/agents.tsx";
import { AuditPage } from "./pages/audit.tsx";
import { ClustersPage } from "./pages/clusters.tsx";
import { LoginPage } from "./pages/login.tsx";
import { PlayerPage } from "./pages/player.tsx";
import { RecordingsPage } from "./pages/recordings.tsx";
import { useRoute, type Route } from "./route.ts";
import { useApi } from "./use-api.ts";

const USER_PAGES = [["clusters", "Clusters"]];
const ADMIN_PAGES = [
  ["agents", "Agents"],
  ["audit", "Audit log"],
  ["sessions", "Live sessions"],
  ["recordings", "Recordings"],
];

function Page({ route, me }: { route: Route; me: MeResponse }) {
  if (!me.admin && route.page !== "clusters") return <ClustersPage />;
  switch (route.page) {
    case "agents":
      return <AgentsPage />;
    case "audit":
      return <AuditPage params={route.params} />;
    case "sessions":
      return <RecordingsPage running />;
    case "recordings":
      return route.arg ? <PlayerPage id={route.arg} /> : <RecordingsPage running={false} />;
    default:
      return <ClustersPage />;
  }
}

export function App() {
  const route = useRoute();
  // Bumped by a login on this page: who "me" is has changed.
  const [logins, setLogins] = useState(0);
  const me = useApi<MeResponse>(route.page === "login" ? undefined : "me", logins);
  if (route.page === "login" || me.error !== undefined) {
    const loggedIn = () => {
      setLogins((n) => n + 1);
      window.location.hash = "#/clusters";
    };
    return <LoginPage error={route.params.get("error") ?? undefined} loggedIn={loggedIn} />;
  }
  if (!me.data) return <main class="loading">Loading…</main>;
  const pages = me.data.admin ? [...USER_PAGES, ...ADMIN_PAGES] : USER_PAGES;
  const signOut = () => {
    void logOut().then(() => {
      window.location.hash = "#/login";
    });
  };
  return (
    <div class="shell">
      <header>
        <strong class="brand">Warren</strong>
        <nav>
          {pages.map(([page = "", title]) => (
            <a
              href={`#/${page}`}
              class={route.page === page || (!route.page && page === "clusters") ? "current" : ""}
            >
              {title}
            </a>
          ))}
        </nav>
        <span class="who">
          {me.data.user} ({me.data.roles.join(", ")})
        </span>
        <button type="button" onClick={signOut}>
          Log out
        </button>
      </header>
      <main>
        <Page route={route} me={me.data} />
      </main>
    </div>
  );
}
