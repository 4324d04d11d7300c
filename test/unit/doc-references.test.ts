/**
 * Messages and the README cite only documents the repository has: a message or README line
 * naming a `.md` file names one that exists (or an output mofhop writes, compare.md).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const OUTPUTS = new Set(["compare.md"]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

/** The .md files a text names that are neither in the repository nor an output. */
function missing(text: string): string[] {
  const names = [...text.matchAll(/[\w./-]*\w\.md\b/g)].map((m) => m[0]);
  return names.filter((n) => !OUTPUTS.has(n) && !existsSync(join(root, n)));
}

describe("documents cited", () => {
  it("no message in src/ (code, not comments) names a document that is not in the repository", () => {
    const bad: string[] = [];
    for (const file of sources(join(root, "src"))) {
      readFileSync(file, "utf8").split("\n").forEach((line, i) => {
        const t = line.trimStart();
        if (t.startsWith("*") || t.startsWith("//") || t.startsWith("/*")) return;
        for (const n of missing(line.replace(/\/\/.*$/, ""))) bad.push(`${file.slice(root.length + 1)}:${i + 1}: ${n}`);
      });
    }
    expect(bad).toEqual([]);
  });
  it("the README names only documents in the repository", () => {
    expect(missing(readFileSync(join(root, "README.md"), "utf8"))).toEqual([]);
  });
});
