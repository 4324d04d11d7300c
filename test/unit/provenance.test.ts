/** Provenance: input files hashed once, paths relative to the working directory, no commit outside a checkout. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { provenanceText, runMeta, sourceRevision } from "../../src/report/provenance.js";

describe("provenance", () => {
  it("hashes each input once, shows paths relative to the working directory, names no commit outside a checkout", () => {
    const dir = mkdtempSync(join(tmpdir(), "mofhop-prov-"));
    const f = join(dir, "s.json");
    writeFileSync(f, "{}");
    expect(sourceRevision(dir)).toBeNull();
    const meta = runMeta({ mofhopVersion: "x", argv: ["run", f], scenarios: [{ file: f, name: "s", seed: 1 }], otherFiles: [{ file: f, role: "again" }], date: new Date(0), cwd: dir });
    expect(meta.files).toEqual([{ file: "s.json", role: "scenario", sha256: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", bytes: 2 }]);
    expect(meta.scenarios).toEqual([{ file: "s.json", name: "s", seed: 1, sha256: meta.files[0]!.sha256 }]);
    expect(meta.date).toBe("1970-01-01T00:00:00.000Z");
    expect(provenanceText(meta)).toContain("s.json (s, seed 1, sha256 44136fa355b3)");
  });
});
