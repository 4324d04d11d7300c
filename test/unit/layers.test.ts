/**
 * Imports in src/ point down the layers of STYLE.md (and .layers.json): cli > sweep, report > pipeline >
 * scenario > analysis > transport > structure > core, linalg; folders of the same rank do
 * not import each other, nor do the sibling subfolders of structure/ and transport/.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect, it } from "vitest";

const RANK: Record<string, number> = {
  core: 0, linalg: 0, structure: 1, transport: 2, analysis: 3, scenario: 4, pipeline: 5, sweep: 6, report: 6, cli: 7, "index.ts": 8,
};
const SIBLINGS_APART = new Set(["structure", "transport"]);
// the project's own additions to the map (.layers.json, read by ../shared/tools/check-layers.mjs too)
const extra = JSON.parse(readFileSync(".layers.json", "utf8")) as { rank?: Record<string, number>; siblingsApart?: string[] };
Object.assign(RANK, extra.rank ?? {});
for (const f of extra.siblingsApart ?? []) SIBLINGS_APART.add(f);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? files(p) : /\.ts$/.test(e) ? [p] : [];
  });
}

it("no upward or sideways imports in src/", () => {
  const src = resolve("src");
  const bad: string[] = [];
  for (const f of files(src)) {
    const from = relative(src, f).split("/");
    if (RANK[from[0]!] === undefined) bad.push(`${relative(src, f)}: folder outside the layer map`);
    for (const m of readFileSync(f, "utf8").matchAll(/(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) {
      const spec = (m[1] ?? m[2])!;
      const to = relative(src, resolve(dirname(f), spec)).split("/");
      if (to[0] === from[0]) {
        if (SIBLINGS_APART.has(from[0]!) && from.length > 2 && to.length > 2 && from[1] !== to[1]) bad.push(`${from.join("/")} -> ${spec} (sibling)`);
        continue;
      }
      const rf = RANK[from[0]!]!, rt = RANK[to[0]!];
      if (rt === undefined || rt > rf || (rt === rf && rf >= 1)) bad.push(`${from.join("/")} -> ${spec}`);
    }
  }
  expect(bad).toEqual([]);
});
