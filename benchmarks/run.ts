/**
 * npm run bench -- [--json] [--case NAME] [--no-ref] [--threads N]
 * Prints one JSON line per case with --json (the DESIGN.md contract), a readable table
 * otherwise. With the reference implementations available (../shared/bench-ref/run.sh,
 * not needed by CI), each case also runs its reference in the same run and reports the ratio.
 */
import type { BenchCase } from "./case.js";
import { kmcCases } from "./kmc.js";
import { networkCases } from "./network.js";
import { sweepCases } from "./sweep.js";
import { designCases } from "./design.js";
import { uncertaintyCases } from "./uncertainty.js";
import { mainJobCases } from "./mainJob.js";
import { uqPaperCases } from "./uqPaper.js";

const cases: BenchCase[] = [...kmcCases, ...networkCases, ...designCases, ...sweepCases, ...uncertaintyCases, ...mainJobCases, ...uqPaperCases];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const withReference = !args.includes("--no-ref");
  const ci = args.indexOf("--case");
  const only = ci >= 0 ? args[ci + 1] : undefined;
  const ti = args.indexOf("--threads");
  const threads = ti >= 0 ? Number(args[ti + 1]) : undefined;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    process.stderr.write(`--threads ${args[ti + 1]}: must be an integer >= 1\n`);
    process.exit(2);
  }
  const selected = only === undefined ? cases.filter((c) => !c.name.endsWith("-256") && !c.name.endsWith("-512") && !c.name.endsWith("-stored") && !c.name.endsWith("-threads") && c.name !== "kmc-scaling" && c.name !== "kmc-uio67-workers" && c.name !== "kmc-uio67-precision" && c.name !== "sweep-scaling" && !c.name.startsWith("uq-") && c.name !== "main-job") : cases.filter((c) => c.name === only);
  if (selected.length === 0) {
    process.stderr.write(`unknown case '${only}'; valid: ${cases.map((c) => c.name).join(", ")}\n`);
    process.exit(2);
  }
  for (const c of selected) {
    const fields = await c.run({ withReference, log: (m) => process.stderr.write(`[${c.name}] ${m}\n`), ...(threads !== undefined ? { threads } : {}) });
    const row = { bench: c.name, ...fields };
    if (json) process.stdout.write(JSON.stringify(row) + "\n");
    else {
      process.stdout.write(`\n${c.name}: ${c.description}\n`);
      for (const [k, v] of Object.entries(fields)) process.stdout.write(`  ${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}\n`);
    }
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
