/** The mofhop command end to end (built CLI in dist/; `npm test` builds first). */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readVti } from "./vti-reader.js";
import { TINY_KMC_SCENARIO } from "./tiny-kmc.js";

const cli = join(process.cwd(), "dist", "cli", "main.js");
function mofhop(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const tiny = TINY_KMC_SCENARIO;

let dir = "";
function scenarioFile(obj: unknown, name = "s.json"): string {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(obj));
  return f;
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error("dist/cli/main.js is missing: run `npm run build` (npm test does)");
  dir = mkdtempSync(join(tmpdir(), "mofhop-cli-"));
});

describe("mofhop run", () => {
  it("--json prints only the results object, identical for the same seed", () => {
    const f = scenarioFile(tiny);
    const a = mofhop("run", f, "--json");
    expect(a.code).toBe(0);
    const results = JSON.parse(a.stdout) as { scenario: string; transport: { conductivitySPerCm: number }[]; arrhenius: unknown[] };
    expect(results.scenario).toBe("tiny");
    expect(results.transport).toHaveLength(2);
    expect(results.arrhenius).toHaveLength(1);
    expect(mofhop("run", f, "--json").stdout).toBe(a.stdout);
  });
  it("the text summary has the KMC (Haven ratio with its error), the network and the whole cell stage (R_bulk, R_int, t+, capacities)", () => {
    const cell = JSON.parse(readFileSync("scenarios/validation/cell-on-random-composite.json", "utf8")) as Record<string, any>;
    cell.lattice.cells = [6, 6, 6];
    cell.kmc = { equilibrationHops: 2000, hops: 12000, replicas: 2, blocks: 4 };
    cell.morphology.shape = [12, 12, 12];
    cell.morphology.realizations = 1;
    const r = mofhop("run", scenarioFile(cell, "small-cell.json"), "--quiet");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/298\.15 K Li\+: sigma = \S+ \+- \S+ S\/cm, D\* = \S+ cm2\/s, Haven = \d\.\d{3} \+- \d\.\d{3}\n/);
    expect(r.stdout).toMatch(/298\.15 K effective: sigma = /);
    expect(r.stdout).toMatch(/298\.15 K Li\|SE\|Li: R_bulk = \S+ ohm, R_int = \S+ ohm\n/);
    expect(r.stdout).toMatch(/298\.15 K Evans\/Bruce-Vincent: t\+ = \d\.\d{3}, I0 = \S+ uA, Iss = \S+ uA\n/);
    expect(r.stdout).toMatch(/capacity \(mAh\/g\): 0\.2 C \d+\.\d, 0\.5 C \d+\.\d, 1 C \d+\.\d/);
  });
  it("--out writes results.json and CSV tables", () => {
    const f = scenarioFile(tiny);
    const out = join(dir, "out");
    const r = mofhop("run", f, "--out", out);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["arrhenius.csv", "arrhenius.svg", "conductivity.svg", "results.json", "transference.csv", "transport.csv"]);
    expect(readFileSync(join(out, "transport.csv"), "utf8").split("\n")[0]).toContain("conductivitySPerCm");
    // provenance beside the results, never inside them: results.json less its meta is the --json object
    const written = JSON.parse(readFileSync(join(out, "results.json"), "utf8")) as Record<string, unknown> & { meta: { mofhopVersion: string; date: string; nodeVersion: string; machine: { cpuCount: number }; scenario: { file: string; sha256: string; seed: number } } };
    const { meta, ...results } = written;
    expect(results).toEqual(JSON.parse(mofhop("run", f, "--json").stdout));
    expect(meta.scenario).toEqual({ file: f, name: "tiny", seed: tiny.seed, sha256: createHash("sha256").update(readFileSync(f)).digest("hex") });
    expect(meta.nodeVersion).toBe(process.version);
    expect(meta.machine.cpuCount).toBeGreaterThan(0);
    expect(Number.isNaN(Date.parse(meta.date))).toBe(false);
  });
  it("--out with a morphology adds a current map of the microstructure", () => {
    const out = join(dir, "out-raw");
    const r = mofhop("run", join(process.cwd(), "scenarios", "validation", "raw-layers.json"), "--out", out);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toContain("current-map.svg");
    expect(readFileSync(join(out, "current-map.svg"), "utf8")).toMatch(/^<svg/);
    expect(readdirSync(out)).toContain("effective.csv");
  });
  it("--out with a pressed powder adds a histogram of its contact spots, and its slab with the bond currents (network-slice.json) that report redraws", () => {
    const pellet = JSON.parse(readFileSync("scenarios/paper/pellet.json", "utf8")) as Record<string, unknown> & { morphology: Record<string, unknown> };
    const quick = { ...pellet, temperaturesK: [298.15], cell: undefined, kmc: tiny.kmc, morphology: { ...pellet.morphology, particleCount: 200, realizations: 2 } };
    const out = join(dir, "out-powder");
    const r = mofhop("run", scenarioFile(quick, "powder.json"), "--out", out);
    expect(r.code).toBe(0);
    const svg = readFileSync(join(out, "contact-spots.svg"), "utf8");
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain("contact spot radii (nm)");
    const slab = JSON.parse(readFileSync(join(out, "network-slice.json"), "utf8")) as { temperatureK: number; particles: { xNm: number[] }; bonds: { currentA: number[] } };
    expect(slab.temperatureK).toBe(298.15);
    expect(slab.particles.xNm.length).toBeGreaterThan(10);
    expect(slab.bonds.currentA.some((I) => I > 0)).toBe(true);
    const drawn = readFileSync(join(out, "current-slice-pellet.svg"), "utf8");
    expect(drawn).toContain("bonds_marks");
    const copy = join(dir, "out-powder-page");
    const r2 = mofhop("report", out, "--out", copy);
    expect(r2.code, r2.stderr).toBe(0);
    expect(readFileSync(join(copy, "current-slice-pellet.svg"), "utf8")).toBe(drawn);
    expect(readFileSync(join(copy, "index.html"), "utf8")).toContain("pellet: a slab of the particle network (realisation 0");
  });
  it("bad input: exit 2, the message names field, value and what is allowed; nothing written", () => {
    const bad = { ...tiny, species: [{ ...tiny.species[0], occupancy: 1.5 }] };
    const out = join(dir, "never");
    const r = mofhop("run", scenarioFile(bad, "bad.json"), "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("species.0.occupancy: got 1.5; Too big: expected number to be <1");
    expect(existsSync(out)).toBe(false);
  });
  it("a pressed powder pressed beyond the contact element's range is refused before any KMC", () => {
    // the paper pellet at 500 MPa: a plastic contact of the median particle reaches a/R = 0.93
    const pellet = JSON.parse(readFileSync("scenarios/paper/pellet.json", "utf8")) as { morphology: Record<string, unknown> };
    const r = mofhop("run", scenarioFile({ ...pellet, morphology: { ...pellet.morphology, pressureMPa: 500 } }, "hard.json"), "--json");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("morphology.pressureMPa: 500 MPa presses the median particle's contacts to a/R = 0.93; the contact element covers a/R <= 0.6");
    expect(r.stdout).toBe(""); // nothing computed: the check runs before the KMC (runScenario's first call)
  });
  it("particles in a gel: too little porosity for the coated particles is refused before any KMC, naming the field", () => {
    // the paper's MOF/PVDF-HFP at porosity 0.1: the MOF alone fills 0.687 of the membrane
    const pvdf = JSON.parse(readFileSync("scenarios/paper/mof-pvdf.json", "utf8")) as { morphology: Record<string, unknown> };
    const r = mofhop("run", scenarioFile({ ...pvdf, morphology: { ...pvdf.morphology, porosity: 0.1 } }, "dense.json"), "--json");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/morphology.porosity: MOF volume fraction 0.687 with 5 nm films packs the coated particles to 0.7\d\d, above 0.6, the densest the packer reaches reliably \(and above random close packing of equal spheres, 0.64, too\): use a larger porosity or a thinner film/);
    expect(r.stdout).toBe("");
  });
  it("--out with particles in a gel adds a histogram of its gel bridges, and its slab with the bond currents", () => {
    const pvdf = JSON.parse(readFileSync("scenarios/paper/mof-pvdf.json", "utf8")) as Record<string, unknown> & { morphology: Record<string, unknown> };
    const quick = { ...pvdf, temperaturesK: [298.15], cell: undefined, kmc: tiny.kmc, morphology: { ...pvdf.morphology, particleCount: 200, binderSamples: 20000, realizations: 2 } };
    const out = join(dir, "out-gel");
    const r = mofhop("run", scenarioFile(quick, "gel.json"), "--out", out);
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, "gel-bridges.svg"), "utf8")).toContain("gel bridge radii (nm)");
    // its slab: particle-to-lens bonds drawn, the coat's lens-to-lens bonds counted
    const slab = JSON.parse(readFileSync(join(out, "network-slice.json"), "utf8")) as { coatBondsLeftOut: number; bonds: { currentA: number[] } };
    expect(slab.coatBondsLeftOut).toBeGreaterThan(0);
    expect(slab.bonds.currentA.some((I) => I !== 0)).toBe(true);
    expect(readFileSync(join(out, "current-slice-mof-pvdf.svg"), "utf8")).toContain("bonds_marks");
  });
  it("Celsius typed as kelvin and a cut-off above the cathode's open-circuit voltage are input errors", () => {
    const c = mofhop("validate", scenarioFile({ ...tiny, temperaturesK: [25] }, "celsius.json"));
    expect(c.code).toBe(2);
    expect(c.stderr).toContain("temperaturesK.0: got 25; must be >= 150 K (temperatures are in kelvin: 25 C is 298.15 K)");
    // compare names the file the error is in, and runs nothing
    const celsius = scenarioFile({ ...tiny, name: "celsius", temperaturesK: [25] }, "celsius2.json");
    const k = mofhop("compare", scenarioFile(tiny, "fine.json"), celsius, "--out", join(dir, "never-compared"));
    expect(k.code).toBe(2);
    expect(k.stderr).toContain(`${celsius}: temperaturesK.0: got 25`);
    expect(existsSync(join(dir, "never-compared"))).toBe(false);
    const pellet = JSON.parse(readFileSync("scenarios/paper/pellet.json", "utf8")) as { cell: { rateCapability: Record<string, unknown> } & Record<string, unknown> };
    const bad = { ...pellet, cell: { ...pellet.cell, rateCapability: { ...pellet.cell.rateCapability, cutoffVoltageV: 3.6 } } };
    const r = mofhop("run", scenarioFile(bad, "cutoff.json"), "--json");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cell.rateCapability.cutoffVoltageV: got 3.6 V; must be below the charged cathode's open-circuit voltage, 3.519 V");
    expect(r.stdout).toBe(""); // refused before the KMC
  });
  it("COMMAND --help shows that command, its required options and examples", () => {
    const r = mofhop("compare", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: mofhop compare SCENARIO.json... --out DIR [--workers N] [--kmc-workers N] [--uncertainty N] [--posterior FILE[,FILE]] [--emulate M|auto] [--measured FILE] [--fields] [--quiet]");
    expect(r.stdout).toContain("(required)");
    expect(r.stdout).toContain("Examples:\n  mofhop compare scenarios/paper/*.json --out results/");
    expect(r.stdout).not.toContain("mofhop sweep"); // not the global help
  });
  it("every command's --help has at least one example", () => {
    const commands = /valid: ([a-z, ]+)/.exec(mofhop("frobnicate").stderr)![1]!.split(", ");
    expect(commands.length).toBeGreaterThanOrEqual(9);
    for (const c of commands) expect(mofhop(c, "--help").stdout, c).toMatch(new RegExp(`\nExamples:\n  mofhop ${c} `));
  });
  it("a negative hop barrier is an input error (conductivity would fall with temperature)", () => {
    const r = mofhop("validate", scenarioFile({ ...tiny, species: [{ ...tiny.species[0], hopBarrierEV: -0.1 }] }, "neg.json"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("species.0.hopBarrierEV: got -0.1; Too small: expected number to be >=0");
  });
  it("unknown keys are errors", () => {
    const r = mofhop("validate", scenarioFile({ ...tiny, temperature: 300 }, "unk.json"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("(root): unknown key 'temperature'");
  });
  it("enum errors list the allowed values", () => {
    const r = mofhop("validate", scenarioFile({ ...tiny, lattice: { ...tiny.lattice, kind: "hcp" } }, "enum.json"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`lattice.kind: got "hcp"; allowed: "simple-cubic", "bcc", "fcc", "uio67-so3"`);
  });
  it("a missing file and bad JSON are input errors", () => {
    expect(mofhop("run", join(dir, "nope.json")).code).toBe(2);
    const f = join(dir, "broken.json");
    writeFileSync(f, "{ not json");
    const r = mofhop("validate", f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is not valid JSON");
  });
  it("unknown command and option", () => {
    expect(mofhop("frobnicate").stderr).toContain("unknown command 'frobnicate'; valid: run, compare, calibrate, validate, sweep, merge");
    expect(mofhop("run", "x.json", "--fast").stderr).toContain("unknown option '--fast'");
  });
});

describe("mofhop validate", () => {
  it("prints a one-line summary, then the uncertain inputs one per line", () => {
    const r = mofhop("validate", "scenarios/paper/pellet.json");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("ok: pellet: uio67-so3 3x3x3 cells (1620 sites), Li+; pressed-powder network of 1000 particles x 8 realisations; 5 temperatures; 14 uncertain inputs (at their nominal values without --uncertainty)");
    expect(lines).toContain("  morphology.contacts.pressed.resistanceOhmCm2 ('pressed-contact-boundary'): assumed, log-uniform 0.00003 to 0.001; nominal 0.0002000");
    expect(lines).toHaveLength(15);
  });
});

describe("mofhop run --checkpoint", () => {
  it("a run killed with SIGKILL continues from its checkpoint to the identical result", async () => {
    const { spawn } = await import("node:child_process");
    const scenario = { ...tiny, name: "ckpt", temperaturesK: [280, 300, 320], kmc: { equilibrationHops: 20000, hops: 400000, replicas: 2, blocks: 20 } };
    const f = scenarioFile(scenario, "ckpt.json");
    const reference = mofhop("run", f, "--json").stdout;
    const ck = join(dir, "run.ckpt");
    const child = spawn(process.execPath, [cli, "run", f, "--json", "--checkpoint", ck, "--every", "0"], { stdio: "ignore" });
    // wait until a checkpoint beyond the first temperature exists, then kill hard
    const started = Date.now();
    await new Promise<void>((resolveWait, reject) => {
      const poll = setInterval(() => {
        if (existsSync(ck)) {
          try {
            const saved = JSON.parse(readFileSync(ck, "utf8")) as { state: { done: unknown[] } };
            if (saved.state.done.length >= 1) {
              clearInterval(poll);
              child.kill("SIGKILL");
              resolveWait();
            }
          } catch {
            /* being renamed into place: try again */
          }
        }
        if (Date.now() - started > 60_000) {
          clearInterval(poll);
          reject(new Error("no checkpoint appeared"));
        }
      }, 20);
    });
    await new Promise((r) => child.on("exit", r));
    expect(existsSync(ck)).toBe(true);
    const resumed = mofhop("run", f, "--json", "--checkpoint", ck);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toContain("continuing from checkpoint");
    expect(resumed.stdout).toBe(reference);
    expect(existsSync(ck)).toBe(false); // removed once the run is complete
  });
  it("--kmc-workers: the replicas on 1, 2 or 3 threads give identical results; N > 1 with --checkpoint and a bad N are refused", () => {
    const f = scenarioFile({ ...tiny, name: "kw", kmc: { ...tiny.kmc, replicas: 3 } }, "kw.json");
    const one = mofhop("run", f, "--json", "--kmc-workers", "1");
    expect(one.code).toBe(0);
    for (const n of ["2", "3"]) expect(mofhop("run", f, "--json", "--kmc-workers", n).stdout).toBe(one.stdout);
    expect(mofhop("run", f, "--json").stdout).toBe(one.stdout); // the default: available CPUs, at most 3
    const ck = join(dir, "kw.ckpt");
    const r = mofhop("run", f, "--kmc-workers", "2", "--checkpoint", ck);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("mofhop: run: --kmc-workers 2 cannot be combined with --checkpoint (a checkpoint saves the KMC state of one thread); give --kmc-workers 1 or leave it out\n");
    expect(existsSync(ck)).toBe(false);
    const bad = mofhop("run", f, "--kmc-workers", "0");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('mofhop: --kmc-workers: got "0"; must be an integer from 1 to 256\n');
  });
  it("refuses a checkpoint of another scenario", () => {
    const ck = join(dir, "other.ckpt");
    writeFileSync(ck, JSON.stringify({ digest: "0", state: { done: [], current: null } }));
    const r = mofhop("run", scenarioFile(tiny, "t2.json"), "--checkpoint", ck);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("belongs to another scenario");
  });
});

describe("mofhop sweep and merge", () => {
  it("runs a sweep, resumes without redoing jobs, and shards merge to the same results", () => {
    scenarioFile({ ...tiny, name: "sw", temperaturesK: [300], kmc: { ...tiny.kmc, hops: 5000 } }, "sw-base.json");
    const sweep = join(dir, "sweep.json");
    writeFileSync(sweep, JSON.stringify({ name: "occ", base: "sw-base.json", grid: { "species.0.occupancy": [0.1, 0.2, 0.3] } }));
    const whole = join(dir, "sw-all");
    expect(mofhop("sweep", sweep, "--out", whole, "--workers", "1").code).toBe(0);
    const lines = readFileSync(join(whole, "results.jsonl"), "utf8").trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(mofhop("sweep", sweep, "--out", whole, "--workers", "1").code).toBe(0); // resume: nothing to do
    expect(readFileSync(join(whole, "results.jsonl"), "utf8").trim().split("\n")).toHaveLength(3);
    const shards = [0, 1].map((k) => {
      const d = join(dir, `sw-shard-${k}`);
      expect(mofhop("sweep", sweep, "--out", d, "--shard", `${k}/2`, "--workers", "1").code).toBe(0);
      return d;
    });
    const merged = join(dir, "sw-merged");
    expect(mofhop("merge", ...shards, "--out", merged).code).toBe(0);
    const results = (file: string) =>
      readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { job: number; results: unknown }).sort((a, b) => a.job - b.job).map((x) => [x.job, x.results]);
    expect(results(join(merged, "results.jsonl"))).toEqual(results(join(whole, "results.jsonl")));
    expect(mofhop("merge", shards[0]!, "--out", join(dir, "sw-gap")).code).toBe(2); // a gap is refused
  });
});

describe("mofhop compare", () => {
  it("writes the table, plots and page; 1 and 2 workers give the same numbers", () => {
    const a = scenarioFile({ ...tiny, name: "cmp-a" }, "cmp-a.json");
    const b = scenarioFile({ ...tiny, name: "cmp-b", species: [{ ...tiny.species[0], occupancy: 0.4 }] }, "cmp-b.json");
    const one = join(dir, "cmp-1"), two = join(dir, "cmp-2");
    const r1 = mofhop("compare", a, b, "--out", one, "--workers", "1");
    expect(r1.code).toBe(0);
    expect(r1.stdout).toContain("| cmp-a |");
    expect(mofhop("compare", a, b, "--out", two, "--workers", "2").code).toBe(0);
    expect(readFileSync(join(two, "compare.csv"), "utf8")).toBe(readFileSync(join(one, "compare.csv"), "utf8"));
    for (const f of ["compare.md", "arrhenius.svg", "index.html", join("cmp-a", "results.json")]) expect(existsSync(join(one, f))).toBe(true);
    // each design's CSV tables beside its results.json, as run --out writes them
    const alone = join(dir, "cmp-a-run");
    expect(mofhop("run", a, "--out", alone, "--quiet").code).toBe(0);
    const tables = readdirSync(alone).filter((f) => f.endsWith(".csv"));
    expect(tables).toContain("transport.csv");
    expect(readdirSync(join(one, "cmp-a")).filter((f) => f.endsWith(".csv")).sort()).toEqual(tables.sort());
    for (const f of tables) expect(readFileSync(join(one, "cmp-a", f), "utf8"), f).toBe(readFileSync(join(alone, f), "utf8"));
    // where it came from: files, names, seeds, version and date, on the page and in provenance.json
    const prov = JSON.parse(readFileSync(join(one, "provenance.json"), "utf8")) as { mofhopVersion: string; date: string; scenarios: { file: string; name: string; seed: number }[]; files: { file: string; role: string; sha256: string }[] };
    const sha = (f: string): string => createHash("sha256").update(readFileSync(f)).digest("hex");
    expect(prov.scenarios).toEqual([{ file: a, name: "cmp-a", seed: tiny.seed, sha256: sha(a) }, { file: b, name: "cmp-b", seed: tiny.seed, sha256: sha(b) }]);
    expect(prov.files.map((x) => x.role)).toEqual(["scenario", "scenario"]);
    // run from a git checkout (as here and in CI), the commit is recorded too
    const head = spawnSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).stdout.trim();
    if (existsSync(join(process.cwd(), ".git"))) expect((prov as { mofhopCommit?: string }).mofhopCommit).toBe(head);
    // each design's results.json carries the comparison's provenance, narrowed to its scenario
    const resultsA = JSON.parse(readFileSync(join(one, "cmp-a", "results.json"), "utf8")) as { meta: { scenario: { name: string }; files: unknown[] } };
    expect(resultsA.meta.scenario.name).toBe("cmp-a");
    expect(resultsA.meta.files).toEqual(prov.files);
    expect(readFileSync(join(one, "compare.md"), "utf8")).toContain(`sha256 ${sha(a).slice(0, 12)}`);
    expect(Number.isNaN(Date.parse(prov.date))).toBe(false);
    expect(readFileSync(join(one, "index.html"), "utf8")).toContain(`Produced by mofhop ${prov.mofhopVersion}`);
  });
  it("--kmc-workers: the designs' KMC first on replica threads, the same numbers as one thread", () => {
    const a = scenarioFile({ ...tiny, name: "kw-a" }, "kw-a.json");
    const b = scenarioFile({ ...tiny, name: "kw-b", species: [{ ...tiny.species[0], occupancy: 0.4 }] }, "kw-b.json");
    const one = join(dir, "kw-1"), serial = join(dir, "kw-s"), pooled = join(dir, "kw-p");
    expect(mofhop("compare", a, b, "--out", one, "--workers", "1", "--kmc-workers", "1").code).toBe(0);
    expect(mofhop("compare", a, b, "--out", serial, "--workers", "1", "--kmc-workers", "2").code).toBe(0);
    expect(mofhop("compare", a, b, "--out", pooled, "--workers", "2", "--kmc-workers", "2").code).toBe(0);
    for (const d of [serial, pooled]) {
      expect(readFileSync(join(d, "compare.csv"), "utf8")).toBe(readFileSync(join(one, "compare.csv"), "utf8"));
      const { meta: _m, ...r } = JSON.parse(readFileSync(join(d, "kw-b", "results.json"), "utf8")) as Record<string, unknown>;
      const { meta: _n, ...ref } = JSON.parse(readFileSync(join(one, "kw-b", "results.json"), "utf8")) as Record<string, unknown>;
      expect(r).toEqual(ref);
    }
  });
  it("--measured draws and tabulates measurements beside the predictions; a bad file is refused before anything runs", () => {
    const a = scenarioFile({ ...tiny, name: "cmp-m" }, "cmp-m.json");
    const bad = scenarioFile({ measurements: [{ scenario: "cmp-m", observable: "dischargeCapacity", cRate: 1, valueMAhPerG: 140, source: "x" }] }, "bad-m.json");
    const refused = mofhop("compare", a, "--measured", bad, "--out", join(dir, "cmp-m-bad"));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("measurements.0.errorMAhPerG");
    expect(existsSync(join(dir, "cmp-m-bad"))).toBe(false);
    const badSpectrum = scenarioFile({ measurements: [{ scenario: "cmp-m", observable: "impedanceSpectrum", cell: "Li|SE|Li", temperatureK: 280, frequenciesHz: [1e3, 1e2], realOhm: [1], imagOhm: [-1, -2], relativeError: 0.02, source: "x" }] }, "bad-z.json");
    const refusedZ = mofhop("compare", a, "--measured", badSpectrum, "--out", join(dir, "cmp-m-bad"));
    expect(refusedZ.code).toBe(2);
    expect(refusedZ.stderr).toContain("measurements.0.realOhm: 1 values; frequenciesHz has 2 (one per frequency)");
    expect(existsSync(join(dir, "cmp-m-bad"))).toBe(false);
    const good = scenarioFile({ measurements: [
      { scenario: "cmp-m", observable: "conductivity", temperatureK: 280, valueSPerCm: 1e-3, relativeError: 0.1, source: "test" },
      { scenario: "elsewhere", observable: "transferenceNumber", method: "Evans", value: 0.5, error: 0.05, source: "test" },
      // a spectrum of a design that predicts none (no cell): a panel of the measurement alone
      { scenario: "cmp-m", observable: "impedanceSpectrum", cell: "Li|SE|Li", temperatureK: 280, frequenciesHz: [1e4, 1e3, 100, 10, 1], realOhm: [10, 11, 15, 20, 21], imagOhm: [-1, -3, -5, -2, -0.5], relativeError: 0.02, source: "test" },
    ] }, "good-m.json");
    const out = join(dir, "cmp-m");
    const r = mofhop("compare", a, "--measured", good, "--out", out, "--workers", "1");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("--measured: measurements of elsewhere name no compared scenario");
    expect(readFileSync(join(out, "measured.csv"), "utf8")).toContain("cmp-m,sigma 280 K (S/cm)");
    expect(readFileSync(join(out, "arrhenius.svg"), "utf8")).toContain("measured_marks");
    expect(readFileSync(join(out, "nyquist.svg"), "utf8")).toContain("measured0_marks");
    expect(readFileSync(join(out, "bode.svg"), "utf8")).toContain("magmeasured_marks");
    const prov = JSON.parse(readFileSync(join(out, "provenance.json"), "utf8")) as { files: { file: string; role: string }[] };
    expect(prov.files.find((f) => f.role === "measurements")?.file).toBe(good);
    // report reads the recorded measurements again while the file is unchanged: the same page
    const page = readFileSync(join(out, "index.html"), "utf8"), versus = readFileSync(join(out, "measured.csv"), "utf8");
    rmSync(join(out, "index.html"));
    rmSync(join(out, "measured.csv"));
    expect(mofhop("report", out).code).toBe(0);
    expect(readFileSync(join(out, "index.html"), "utf8")).toBe(page);
    expect(readFileSync(join(out, "measured.csv"), "utf8")).toBe(versus);
    // changed since: left out, and said so
    writeFileSync(good, readFileSync(good, "utf8") + "\n");
    const changed = mofhop("report", out, "--out", join(dir, "cmp-m-changed"));
    expect(changed.code).toBe(0);
    expect(changed.stderr).toContain(`the comparison read measurements from ${good}, which is changed since; they are left out (give --measured FILE)`);
    expect(existsSync(join(dir, "cmp-m-changed", "measured.csv"))).toBe(false);
    expect(mofhop("report", out, "--measured", good, "--out", join(dir, "cmp-m-given")).code).toBe(0);
    expect(readFileSync(join(dir, "cmp-m-given", "measured.csv"), "utf8")).toBe(versus);
  });
  it("refuses two scenarios of one name", () => {
    const a = scenarioFile({ ...tiny, name: "same" }, "same-1.json");
    const b = scenarioFile({ ...tiny, name: "same" }, "same-2.json");
    const r = mofhop("compare", a, b, "--out", join(dir, "cmp-dup"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("two scenarios are named 'same'");
  });
});

describe("mofhop run --fields", () => {
  // a uniform block: 10 x 4 x 3 voxels of 20 nm, one phase of 0.01 S/cm
  const block = { name: "block", seed: 1, temperaturesK: [273.15, 298.15], morphology: { kind: "random-voxels", shape: [10, 4, 3], voxelNm: 20, tolerance: 1e-12, phases: [{ name: "A", fraction: 1, conductivitySPerCm: 0.01, transferenceNumber: 1 }] } };
  it("writes fields.vti (phase, grain, potential, |j|) and current-slice.csv: a uniform block has a linear potential and a uniform |j|", () => {
    const out = join(dir, "fields");
    const r = mofhop("run", scenarioFile(block, "block.json"), "--out", out, "--fields");
    expect(r.code, r.stderr).toBe(0);
    const v = readVti(readFileSync(join(out, "fields.vti")));
    expect(v.cells).toEqual([10, 4, 3]);
    expect(v.spacing).toEqual([20, 20, 20]);
    expect(v.origin).toEqual([0, 0, 0]);
    expect([...v.cellData.keys()]).toEqual(["phase", "grain", "potentialV", "currentDensityACm2"]);
    expect(v.comment).toContain("one DC solve at 298.15 K with 1 V across the sample along x");
    expect(v.comment).toContain("phase: label of each voxel (0 = A)");
    const phi = v.cellData.get("potentialV")!.values, j = v.cellData.get("currentDensityACm2")!.values;
    // voxel (x, y, z) = (3, 2, 1): index 3 + 10 (2 + 4 * 1) = 63; potential 1 - 3.5/10, |j| = sigma V / L = 0.01 / 2e-5 cm
    expect(phi[63]).toBeCloseTo(0.65, 9);
    for (const x of j) expect(Math.abs(x - 500) / 500).toBeLessThan(1e-6);
    // the slice normal to y at y = 2: one row per voxel of the x-z plane
    const slice = readFileSync(join(out, "current-slice.csv"), "utf8").trim().split("\n");
    expect(slice[0]).toBe("temperatureK,y,x,z,xNm,yNm,zNm,phase,phaseLabel,currentDensityACm2");
    expect(slice).toHaveLength(1 + 10 * 3);
    expect(slice[1 + 3 + 10 * 1]).toBe("298.15,2,3,1,70,50,30,A,0,500");
  });
  it("--fields needs --out and a voxel design; both are refused before running", () => {
    const noOut = mofhop("run", scenarioFile(block, "block.json"), "--fields");
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("run: --fields needs --out DIR");
    const kmcOnly = mofhop("run", scenarioFile(tiny, "tiny-fields.json"), "--fields", "--out", join(dir, "never-fields"));
    expect(kmcOnly.code).toBe(2);
    expect(kmcOnly.stderr).toContain("--fields: 'tiny' has no morphology (a KMC-only scenario); fields are written for voxel morphologies");
    expect(existsSync(join(dir, "never-fields"))).toBe(false);
  });
});

describe("mofhop report", () => {
  const voxels = { ...tiny, name: "vox", temperaturesK: [280, 320], kmc: { ...tiny.kmc, hops: 5000 }, morphology: { kind: "random-voxels", shape: [8, 6, 5], voxelNm: 50, phases: [{ name: "mof", fraction: 0.7 }, { name: "binder", fraction: 0.3, conductivitySPerCm: 1e-6, transferenceNumber: 0.3 }] } };
  it("a sweep: results.csv, one row per job and temperature, grid keys and outputs with units as columns; jobs not run listed", () => {
    scenarioFile(voxels, "rep-base.json");
    const sweep = join(dir, "rep-sweep.json");
    writeFileSync(sweep, JSON.stringify({ name: "rep", base: "rep-base.json", grid: { "species.0.occupancy": [0.1, 0.3], "morphology.phases.1.conductivitySPerCm": [1e-6, 1e-4] } }));
    const out = join(dir, "rep-sw");
    expect(mofhop("sweep", sweep, "--out", out, "--workers", "1", "--quiet").code).toBe(0);
    const journal = readFileSync(join(out, "results.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { job: number; results: { effective: { temperatureK: number; conductivitySPerCm: number }[]; transport: { conductivitySPerCm: number }[] } });
    // leave the last job out of the journal, as a sweep killed before it finished would
    const last = journal.reduce((a, b) => (b.job > a.job ? b : a));
    writeFileSync(join(out, "results.jsonl"), readFileSync(join(out, "results.jsonl"), "utf8").split("\n").filter((l) => l !== "" && (JSON.parse(l) as { job: number }).job !== last.job).map((l) => l + "\n").join(""));
    const r = mofhop("report", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("sweep 'rep': 3 jobs done, 0 failed, 1 not run");
    const lines = readFileSync(join(out, "results.csv"), "utf8").trim().split("\n");
    const head = lines[0]!.split(",");
    expect(head.slice(0, 6)).toEqual(["job", "status", "species.0.occupancy", "morphology.phases.1.conductivitySPerCm", "scenario", "temperatureK"]);
    for (const c of ["effective.conductivitySPerCm", "effective.conductivityStdErrSPerCm", "effective.mof.volumeFraction", "kmc.totalConductivitySPerCm", "transport.Li+.tracerDiffusivityCm2PerS", "transport.Li+.conductivityStdErrSPerCm", "arrhenius.effective.activationEnergyEV"]) expect(head).toContain(c);
    expect(lines).toHaveLength(1 + 3 * 2 + 1); // 3 jobs x 2 temperatures, 1 job not run
    const rows = lines.slice(1).map((l) => Object.fromEntries(l.split(",").map((v, k) => [head[k], v])));
    expect(rows.map((x) => [x["job"], x["status"], x["temperatureK"]])).toEqual([["0", "done", "280"], ["0", "done", "320"], ["1", "done", "280"], ["1", "done", "320"], ["2", "done", "280"], ["2", "done", "320"], ["3", "not run", ""]]);
    expect(rows[2]!["morphology.phases.1.conductivitySPerCm"]).toBe("0.0001");
    expect(rows[6]!["species.0.occupancy"]).toBe("0.3");
    const job1 = journal.find((j) => j.job === 1)!;
    expect(Number(rows[3]!["effective.conductivitySPerCm"])).toBe(job1.results.effective.find((e) => e.temperatureK === 320)!.conductivitySPerCm);
    expect(Number(rows[3]!["transport.Li+.conductivitySPerCm"])).toBe(job1.results.transport[1]!.conductivitySPerCm);
  });
  it("a run: its CSV tables, plots and a page, from results.json alone", () => {
    const out = join(dir, "rep-run");
    expect(mofhop("run", scenarioFile(voxels, "rep-run.json"), "--out", out).code).toBe(0);
    const transport = readFileSync(join(out, "transport.csv"), "utf8");
    rmSync(join(out, "transport.csv"));
    const copy = join(dir, "rep-run-page");
    const r = mofhop("report", out, "--out", copy);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(copy, "transport.csv"), "utf8")).toBe(transport);
    const page = readFileSync(join(copy, "index.html"), "utf8");
    expect(page).toContain("<title>mofhop: vox</title>");
    expect(page).toContain("vox: the microstructure (realisation 0) and its current density |j| on the mid-plane normal to y (voxel layer y = 3");
    expect(page).toContain("Produced by mofhop"); // its provenance, from results.json's meta
    expect(readdirSync(copy)).toContain("current-slice-vox.svg");
    expect(mofhop("report", out).code).toBe(0); // into the run's own directory
    expect(readFileSync(join(out, "transport.csv"), "utf8")).toBe(transport);
  });
  it("a comparison: the same page, tables and plots as compare wrote, running nothing", () => {
    const out = join(dir, "rep-cmp");
    const a = scenarioFile(voxels, "rep-a.json");
    const b = scenarioFile({ ...tiny, name: "kmc-only" }, "rep-b.json");
    expect(mofhop("compare", a, b, "--out", out, "--workers", "1", "--quiet").code).toBe(0);
    const tables = (d: string): string[] => readdirSync(join(out, d)).filter((f) => f.endsWith(".csv") && f !== "current-slice.csv").map((f) => join(d, f));
    const before = Object.fromEntries([...readdirSync(out).filter((f) => /\.(html|csv|md|svg)$/.test(f)), ...tables("vox"), ...tables("kmc-only")].map((f) => [f, readFileSync(join(out, f), "utf8")]));
    expect(Object.keys(before)).toContain("current-slice-vox.svg");
    expect(Object.keys(before)).toContain(join("kmc-only", "transport.csv"));
    expect(before["index.html"]).toContain("current density |j| on the mid-plane normal to y");
    for (const f of Object.keys(before)) rmSync(join(out, f));
    const r = mofhop("report", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("2 designs (vox, kmc-only) from their results.json files (nothing rerun)");
    for (const [f, text] of Object.entries(before)) expect(readFileSync(join(out, f), "utf8"), f).toBe(text);
  });
  it("not an output directory: exit 2 naming the directory and what was expected", () => {
    const expected = "expected results.json (written by mofhop run --out DIR), NAME/results.json beside compare.csv (mofhop compare --out DIR), or sweep.json and results.jsonl (mofhop sweep --out DIR)";
    const missing = mofhop("report", join(dir, "nowhere"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`report: ${join(dir, "nowhere")}: no such directory; ${expected}`);
    const other = join(dir, "rep-other");
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, "notes.txt"), "x");
    const r = mofhop("report", other);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`report: ${other} is not a mofhop output directory: ${expected}; it holds notes.txt`);
    writeFileSync(join(other, "results.json"), JSON.stringify({ scenario: "x" }));
    const bad = mofhop("report", other);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${join(other, "results.json")}: not a mofhop results file; expected an object with scenario and the lists transport, transferenceNumber, arrhenius, kmc, effective`);
    const help = mofhop("report", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: mofhop report DIR [--out DIR] [--measured FILE]");
    expect(help.stdout).toContain("Examples:\n  mofhop report ");
  });
});

describe("mofhop run and compare --uncertainty", () => {
  const block = (name: string, min: number, max: number) => ({
    name,
    seed: 3,
    temperaturesK: [298.15],
    morphology: { kind: "random-voxels", shape: [5, 5, 5], voxelNm: 50, phases: [{ name: "A", fraction: 1, conductivitySPerCm: { distribution: "log-uniform", min, max, reason: "test" }, transferenceNumber: 1 }] },
  });
  it("refuses a sample count below 8, --uncertainty without --out, and --workers without --uncertainty, before running", () => {
    const f = scenarioFile(block("u", 1e-4, 1e-2), "u.json");
    const few = mofhop("run", f, "--uncertainty", "3", "--out", join(dir, "u3"));
    expect(few.code).toBe(2);
    expect(few.stderr).toContain("--uncertainty: got 3; the number of samples must be a whole number from 8");
    const noOut = mofhop("run", f, "--uncertainty", "16");
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("--uncertainty needs --out DIR");
    const workers = mofhop("run", f, "--workers", "2");
    expect(workers.code).toBe(2);
    expect(workers.stderr).toContain("--workers and --shard apply to the samples of --uncertainty N");
    const emulateAlone = mofhop("run", f, "--emulate", "8", "--out", join(dir, "e0"));
    expect(emulateAlone.code).toBe(2);
    expect(emulateAlone.stderr).toContain("--emulate applies to the samples of --uncertainty N");
  });
  it("compare --emulate: refuses too few runs naming the design short of them, before any run; then emulated bands and pairwise", () => {
    const lo = scenarioFile(block("low", 1e-4, 1e-2), "lo.json"), hi = scenarioFile(block("high", 2e-4, 2e-2), "hi.json");
    const wide = scenarioFile({ ...block("wide", 1e-4, 1e-2), morphology: { ...block("wide", 1e-4, 1e-2).morphology, voxelNm: { distribution: "uniform", min: 40, max: 60, reason: "test" } } }, "wide.json");
    const few = mofhop("compare", lo, wide, "--uncertainty", "64", "--emulate", "8", "--out", join(dir, "e1"));
    expect(few.code).toBe(2);
    expect(few.stderr).toContain("--emulate: got 8; wide has 2 uncertain inputs and needs at least 9 runs");
    expect(existsSync(join(dir, "e1", "low"))).toBe(false);
    const tooMany = mofhop("compare", lo, hi, "--uncertainty", "16", "--emulate", "16", "--out", join(dir, "e2"));
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('must be "auto" or a whole number from 8 to 15 (below --uncertainty 16');
    const out = join(dir, "e3");
    const r = mofhop("compare", lo, hi, "--uncertainty", "64", "--emulate", "8", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Predicted with bands (64 draws of every assumed input through emulators trained on 8 runs of the whole chain");
    expect(r.stdout).toMatch(/\| sigma_eff 298\.15 K \(S\/cm\) \| low \| high \| 0\.00 \|/);
    const results = JSON.parse(readFileSync(join(out, "high", "results.json"), "utf8")) as { uncertainty: { samples: number; runs: number; outputs: { path: string; samples: number; emulator: Record<string, unknown> }[] } };
    expect(results.uncertainty.samples).toBe(64);
    expect(results.uncertainty.runs).toBe(8);
    expect(results.uncertainty.outputs.find((o) => o.path === "effective[0].conductivitySPerCm")).toMatchObject({ samples: 64, emulator: { runs: 8, scale: "log" } });
    expect(readFileSync(join(out, "high", "uncertainty-samples", "results.jsonl"), "utf8").trim().split("\n")).toHaveLength(8);
    // auto: each design its own 3 (k + 1) runs, at least 8: one input 8, two inputs 9
    const auto = join(dir, "e4");
    const a = mofhop("compare", lo, wide, "--uncertainty", "64", "--emulate", "auto", "--out", auto);
    expect(a.code, a.stderr).toBe(0);
    for (const [name, runs] of [["low", 8], ["wide", 9]] as const) {
      expect(readFileSync(join(auto, name, "uncertainty-samples", "results.jsonl"), "utf8").trim().split("\n")).toHaveLength(runs);
      expect((JSON.parse(readFileSync(join(auto, name, "results.json"), "utf8")) as { uncertainty: { samples: number; runs: number } }).uncertainty).toMatchObject({ samples: 64, runs });
    }
  });
  it("validate lists the uncertain inputs", () => {
    const r = mofhop("validate", scenarioFile(block("u", 1e-4, 1e-2), "u.json"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("1 uncertain input");
    expect(r.stdout).toContain("morphology.phases.0.conductivitySPerCm: assumed, log-uniform 0.0001 to 0.01; nominal 0.001000");
  });
  it("compare writes the bands, the pairwise probabilities and the sensitivities", () => {
    const out = join(dir, "cmp-u");
    const r = mofhop("compare", scenarioFile(block("low", 1e-4, 1e-2), "lo.json"), scenarioFile(block("high", 2e-4, 2e-2), "hi.json"), "--uncertainty", "8", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ["uncertainty.csv", "sensitivity.csv", "pairwise.csv"]) expect(readdirSync(out)).toContain(f);
    expect(r.stdout).toContain("Predicted with bands (8 samples");
    // the same draws, twice the conductivity: "high" wins every sample
    expect(r.stdout).toMatch(/\| sigma_eff 298\.15 K \(S\/cm\) \| low \| high \| 0\.00 \|/);
    const results = JSON.parse(readFileSync(join(out, "high", "results.json"), "utf8")) as { uncertainty: { samples: number } };
    expect(results.uncertainty.samples).toBe(8);
    // report remakes the page with its bands and pairwise probabilities (pairwise.csv) from the files alone
    const page = readFileSync(join(out, "index.html"), "utf8");
    expect(page).toContain("Probability that design a&#39;s value is the larger");
    rmSync(join(out, "index.html"));
    expect(mofhop("report", out).code).toBe(0);
    expect(readFileSync(join(out, "index.html"), "utf8")).toBe(page);
    // the samples' journal as a table: the drawn input is a column (the samples' sweep has no grid)
    const samples = join(out, "high", "uncertainty-samples");
    expect(mofhop("report", samples).code).toBe(0);
    const table = readFileSync(join(samples, "results.csv"), "utf8").trim().split("\n");
    expect(table[0]).toMatch(/^job,status,morphology\.phases\.0\.conductivitySPerCm,scenario,temperatureK,effective\.conductivitySPerCm,/);
    expect(table).toHaveLength(1 + 8);
  });
});

describe("mofhop calibrate --measurements", () => {
  const write = (obj: unknown, name: string) => scenarioFile(obj, name);
  const m = (over: Record<string, unknown>) => ({ measurements: [{ scenario: "pellet", observable: "conductivity", temperatureK: 298.15, valueSPerCm: 2.65e-4, relativeError: 0.1, source: "test", ...over }] });
  it("refuses a measurement without an error, of a temperature the scenario does not run, or of another scenario, before running", () => {
    const noError = mofhop("calibrate", "scenarios/paper/pellet.json", "--measurements", write(m({ relativeError: 0 }), "m1.json"), "--out", join(dir, "c1"));
    expect(noError.code).toBe(2);
    expect(noError.stderr).toContain("measurements.0.relativeError: got 0; a measurement needs its error (> 0)");
    const badT = mofhop("calibrate", "scenarios/paper/pellet.json", "--measurements", write(m({ temperatureK: 300 }), "m2.json"), "--out", join(dir, "c2"));
    expect(badT.code).toBe(2);
    expect(badT.stderr).toContain("measurements[0].temperatureK: got 300; scenario 'pellet' runs at 253.15, 273.15, 298.15, 313.15, 333.15 K");
    const other = mofhop("calibrate", "scenarios/paper/pellet.json", "--measurements", write(m({ scenario: "pellet-na" }), "m3.json"), "--out", join(dir, "c3"));
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("no measurement names scenario 'pellet'");
  });
  it("--posterior needs --uncertainty and a posterior file", () => {
    const r = mofhop("run", "scenarios/paper/pellet.json", "--posterior", write({ a: 1 }, "p.json"), "--uncertainty", "8", "--out", join(dir, "p1"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("is not a posterior.json of mofhop calibrate --measurements");
  });
});

describe("mofhop eis", () => {
  /** Two R||C elements (R_inf 20, 100 ohm at tau 1e-4 s, 300 ohm at 0.1 s), 61 frequencies 1 MHz to 10 mHz, -Z'' column. */
  function twoRcCsv(name: string, header = "freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm"): string {
    const rows = [header];
    for (let i = 0; i <= 60; i++) {
      const f = 1e6 * Math.pow(1e-8, i / 60), w = 2 * Math.PI * f;
      let re = 20, im = 0;
      for (const [r, tau] of [[100, 1e-4], [300, 0.1]] as const) {
        const x = w * tau;
        re += r / (1 + x * x);
        im -= (r * x) / (1 + x * x);
      }
      rows.push(`${f},${re},${-im}`);
    }
    const file = join(dir, name);
    writeFileSync(file, rows.join("\n") + "\n");
    return file;
  }
  it("a two-RC spectrum: KK passes, the fit and the DRT find both arcs; --json is one object; --out writes eis.json, drt.csv, drt.svg", () => {
    const file = twoRcCsv("two-rc.csv");
    const text = mofhop("eis", file);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("columns freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm: -Z'' negated");
    expect(text.stdout).toMatch(/Kramers-Kronig .*: pass/);
    expect(text.stdout).toContain("peak 1: tau 1.00e-4 s (1.59 kHz), 100.0 ohm");
    expect(text.stdout).toContain("peak 2: tau 0.100 s (1.59 Hz), 300.0 ohm");
    const out = join(dir, "eis-out");
    const r = mofhop("eis", file, "--json", "--out", out);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { kramersKronig: { pass: boolean }; circuitFit: { circuit: string; parameters: Record<string, number> }; drt: { peaks: { tauS: number; areaOhm: number }[]; highFrequencyResistanceOhm: number; criterion: string } };
    expect(report.kramersKronig.pass).toBe(true);
    expect(report.circuitFit.circuit).toBe("R_bulk-p(R_gb,Q_gb)-p(R_int,Q_int)");
    expect(report.circuitFit.parameters["R_int"]).toBeCloseTo(300, 6);
    expect(report.drt.criterion).toBe("gcv");
    expect(report.drt.peaks.map((p) => Math.round(p.areaOhm))).toEqual([100, 300]);
    expect(readdirSync(out).sort()).toEqual(["drt.csv", "drt.svg", "eis.json"]);
    expect(readFileSync(join(out, "drt.csv"), "utf8").split("\n")[0]).toBe("tauS,gammaOhm");
    expect(readFileSync(join(out, "drt.svg"), "utf8")).toMatch(/^<svg/);
    expect(JSON.parse(readFileSync(join(out, "eis.json"), "utf8"))).toEqual(report);
  });
  it("--circuit: the given circuit is fitted from automatic initial guesses", () => {
    const given = mofhop("eis", twoRcCsv("two-rc-plain.csv", "frequency_Hz,Zreal,-Zimag"), "--circuit", "R0-p(R1,C1)-p(R2,C2)", "--json");
    expect(given.code).toBe(0);
    const g = JSON.parse(given.stdout) as { circuitFit: { parameters: Record<string, number>; chosenBy: string } };
    expect(g.circuitFit.chosenBy).toBe("--circuit");
    expect(g.circuitFit.parameters["C2"]! * g.circuitFit.parameters["R2"]!).toBeCloseTo(0.1, 6);
  });
  it("bad files: exit 2 naming the file, row and column; too few rows, a zero frequency, duplicates, unknown headers", () => {
    const write = (name: string, text: string): string => {
      const f = join(dir, name);
      writeFileSync(f, text);
      return f;
    };
    const good = "1000,20,-5\n100,25,-10\n10,40,-20\n1,60,-10\n0.1,70,-2\n";
    const nan = mofhop("eis", write("nan.csv", "freq,Zreal,Zimag\n1000,20,-5\n100,25,x\n10,40,-20\n1,60,-10\n0.1,70,-2\n"));
    expect(nan.code).toBe(2);
    expect(nan.stderr).toContain(`nan.csv: row 2 (line 3), column "Zimag": got "x"; Z'' (ohm) must be a finite number`);
    const few = mofhop("eis", write("few.csv", "freq,Zreal,Zimag\n1000,20,-5\n100,25,-10\n"));
    expect(few.code).toBe(2);
    expect(few.stderr).toContain("few.csv: 2 data rows; need at least 5 frequencies");
    const zero = mofhop("eis", write("zero.csv", "freq,Zreal,Zimag\n" + good.replace("0.1,", "0,")));
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain(`zero.csv: row 5 (line 6), column "freq": got 0; frequencies must be > 0 (Hz)`);
    const dup = mofhop("eis", write("dup.csv", "freq,Zreal,Zimag\n" + good.replace("0.1,", "100,")));
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain(`dup.csv: rows 2 and 5 (lines 3 and 6), column "freq": both 100 Hz; frequencies must be distinct`);
    const header = mofhop("eis", write("header.csv", "omega,a,b\n" + good));
    expect(header.code).toBe(2);
    expect(header.stderr).toContain(`header.csv: line 1: the header "omega,a,b" has no frequency, no Z' (real part), no Z'' (imaginary part) column; accepted`);
    expect(mofhop("eis", join(dir, "missing.csv")).code).toBe(2);
  });
  it("--help lists the accepted columns and an example", () => {
    const r = mofhop("eis", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Usage: mofhop eis FILE.csv [--circuit STR] [--json] [--out DIR]");
    expect(r.stdout).toContain("with a leading '-' (-Z'', -Im(Z), -Zimag): the column is minus the imaginary part");
    expect(r.stdout).toContain("Examples:\n  mofhop eis measured/li-se-li.csv");
  });
});
