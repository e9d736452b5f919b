import { defineConfig } from "vitest/config";

// Served by the entry API under /console/ from the jar's pipewright-console/ directory.
export default defineConfig({
  base: "/console/",
  build: {
    outDir: "target/classes/pipewright-console",
    emptyOutDir: true,
  },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  test: { include: ["src/**/*.test.ts"] },
});
