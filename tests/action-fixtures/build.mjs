// Bundles each fixture action as a published JavaScript action is shipped: actions/<name>/action.yml
// beside one self-contained file per entry point (actions/<name>/src/<entry>.js ->
// dist/<entry>.js, the toolkit packages inlined, as @vercel/ncc does for the official actions), into
// target/classes/action-fixtures/<name>, which the jar carries (ActionFixtures copies them out).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

const out = "target/classes/action-fixtures";
for (const name of readdirSync("actions")) {
  const dir = join("actions", name);
  const target = join(out, name);
  mkdirSync(join(target, "dist"), { recursive: true });
  copyFileSync(join(dir, "action.yml"), join(target, "action.yml"));
  const entries = readdirSync(join(dir, "src")).filter((f) => f.endsWith(".js"));
  await build({
    entryPoints: entries.map((f) => join(dir, "src", f)),
    outdir: join(target, "dist"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    logLevel: "warning",
  });
}
