import { defineConfig } from "vite";

// The console is static files the hub serves from dist/web: no dev server, no CDN.
export default defineConfig({
  root: "web",
  base: "/",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "../dist/web",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
});
