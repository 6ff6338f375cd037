import { useEffect, useState } from "preact/hooks";

/** The page is the URL's fragment: #/clusters, #/recordings/ID, #/login?error=… */
export interface Route {
  page: string;
  arg: string;
  params: URLSearchParams;
}

function current(): Route {
  const [path = "", search = ""] = window.location.hash.replace(/^#\/?/, "").split("?");
  const [page = "", ...rest] = path.split("/");
  return { page, arg: decodeURIComponent(rest.join("/")), params: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const changed = () => {
      setRoute(current());
    };
    window.addEventListener("hashchange", changed);
    return () => {
      window.removeEventListener("hashchange", changed);
    };
  }, []);
  return route;
}
