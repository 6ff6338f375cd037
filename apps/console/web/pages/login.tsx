import type { LoginOptionsResponse } from "../../src/api-types.ts";
import { useApi } from "../use-api.ts";

export function LoginPage({ error }: { error: string | undefined }) {
  const options = useApi<LoginOptionsResponse>("login-options");
  const connectors = options.data?.connectors ?? [];
  return (
    <main class="login">
      <h1>Warren{options.data ? ` · ${options.data.hubName}` : ""}</h1>
      <p>Log in with your organisation's identity provider.</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {options.error && <p class="error">{options.error}</p>}
      {options.data && connectors.length === 0 && (
        <p class="error">
          This hub has no SSO connector: an admin adds one with warrenctl create -f connector.yaml.
        </p>
      )}
      <div class="connectors">
        {connectors.map((c) => (
          <a class="button" href={`/v1/web/login?connector=${encodeURIComponent(c.name)}`}>
            Log in with {c.display || c.name}
          </a>
        ))}
      </div>
    </main>
  );
}
