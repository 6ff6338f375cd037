import { useState } from "preact/hooks";

import type { LoginOptionsResponse } from "../../src/api-types.ts";
import { passwordLogin } from "../api.ts";
import { useApi } from "../use-api.ts";

function PasswordForm({ loggedIn }: { loggedIn: () => void }) {
  const [user, setUser] = useState("");
  const [password, setPassword] = useState("");
  const [refused, setRefused] = useState<string>();
  const submit = (event: Event) => {
    event.preventDefault();
    passwordLogin(user, password).then(
      () => {
        loggedIn();
      },
      (error: unknown) => {
        setRefused((error as Error).message);
      },
    );
  };
  return (
    <form class="password" onSubmit={submit}>
      <label>
        User
        <input
          name="user"
          autocomplete="username"
          value={user}
          onInput={(e) => {
            setUser(e.currentTarget.value);
          }}
        />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autocomplete="current-password"
          value={password}
          onInput={(e) => {
            setPassword(e.currentTarget.value);
          }}
        />
      </label>
      <button type="submit">Log in</button>
      {refused && (
        <p class="error" role="alert">
          {refused}
        </p>
      )}
    </form>
  );
}

export function LoginPage({
  error,
  loggedIn,
}: {
  error: string | undefined;
  loggedIn: () => void;
}) {
  const options = useApi<LoginOptionsResponse>("login-options");
  const connectors = options.data?.connectors ?? [];
  return (
    <main class="login">
      <h1>Warren{options.data ? ` · ${options.data.hubName}` : ""}</h1>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {options.error && <p class="error">{options.error}</p>}
      {connectors.length > 0 && <p>Log in with your organisation's identity provider:</p>}
      <div class="connectors">
        {connectors.map((c) => (
          <a class="button" href={`/v1/web/login?connector=${encodeURIComponent(c.name)}`}>
            Log in with {c.display || c.name}
          </a>
        ))}
      </div>
      {options.data?.localUsers && (
        <>
          <p>Or, with a password an invite let you set:</p>
          <PasswordForm loggedIn={loggedIn} />
        </>
      )}
    </main>
  );
}
