import "@xterm/xterm/css/xterm.css";
import "./style.css";

import { render } from "preact";

import { App } from "./app.tsx";

const root = document.getElementById("app");
if (root) render(<App />, root);
