/**
 * The CLI's commands and options as one data table (after vitest's cli-config): help and
 * parsing both come from it.
 */
import { InputError } from "../core/errors.js";
import { SWEEP_COMMANDS } from "./sweepCommands.js";

export interface OptionSpec {
  readonly name: string;
  readonly value?: string;
  readonly description: string;
}

export interface CommandSpec {
  readonly name: string;
  readonly args: string;
  readonly summary: string;
  readonly options: readonly OptionSpec[];
  /** At least this many positional arguments. */
  readonly minArgs: number;
  /** At most this many (Infinity for a list). */
  readonly maxArgs: number;
}

const CORE_COMMANDS: readonly CommandSpec[] = [
  {
    name: "run",
    args: "SCENARIO.json",
    summary: "run a scenario: KMC at each temperature and the analysis on top",
    minArgs: 1,
    maxArgs: 1,
    options: [
      { name: "json", description: "print the results object to stdout (nothing else on stdout)" },
      { name: "out", value: "DIR", description: "write results.json and CSV tables into DIR" },
      { name: "quiet", description: "no progress bar on stderr" },
      { name: "checkpoint", value: "FILE", description: "save progress to FILE and continue from it if it exists" },
      { name: "every", value: "SECONDS", description: "seconds between checkpoints (default 60)" },
    ],
  },
  {
    name: "compare",
    args: "SCENARIO.json...",
    summary: "run several scenarios and compare them: one table (CSV, Markdown), SVG plots, an HTML page",
    minArgs: 1,
    maxArgs: Infinity,
    options: [
      { name: "out", value: "DIR", description: "write compare.csv, compare.md, *.svg, index.html and each results.json into DIR" },
      { name: "workers", value: "N", description: "scenarios run side by side in worker threads (default: available CPUs)" },
      { name: "quiet", description: "no progress bar on stderr" },
    ],
  },
  {
    name: "calibrate",
    args: "SCENARIO.json",
    summary: "fit the ion's attempt frequency and a barrier shift so the scenario reproduces a measured Arrhenius line",
    minArgs: 1,
    maxArgs: 1,
    options: [
      { name: "sigma", value: "S/CM", description: "measured conductivity at the reference temperature (required)" },
      { name: "ea", value: "EV", description: "measured activation energy (required)" },
      { name: "reference-temperature", value: "K", description: "temperature of --sigma (default 298.15)" },
      { name: "form", value: "sigma|sigmaT", description: "form the measured Ea was fitted in (default sigma: sigma = A exp(-Ea/kT))" },
      { name: "relative-error", value: "X", description: "relative uncertainty of the measured points (default 0.05)" },
      { name: "source", value: "TEXT", description: "where the measured values come from (recorded in the output)" },
      { name: "out", value: "FILE", description: "write the fitted parameters as JSON" },
      { name: "quiet", description: "no progress bar on stderr" },
    ],
  },
  {
    name: "validate",
    args: "SCENARIO.json",
    summary: "check a scenario file; exit 0 with a one-line summary, or 2 with the errors",
    minArgs: 1,
    maxArgs: 1,
    options: [],
  },
];

export const COMMANDS: readonly CommandSpec[] = [...CORE_COMMANDS, ...SWEEP_COMMANDS];

export interface ParsedCommand {
  readonly command: CommandSpec;
  readonly args: readonly string[];
  readonly options: Readonly<Record<string, string | true>>;
}

export function parseArgs(argv: readonly string[]): ParsedCommand | "help" | "version" {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") return "help";
  if (argv[0] === "--version" || argv[0] === "-v") return "version";
  const command = COMMANDS.find((c) => c.name === argv[0]);
  if (command === undefined) throw new InputError(`unknown command '${argv[0]}'; valid: ${COMMANDS.map((c) => c.name).join(", ")}`);
  const args: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") return "help";
    if (a.startsWith("--")) {
      const [key, inline] = a.slice(2).split("=", 2) as [string, string | undefined];
      const spec = command.options.find((o) => o.name === key);
      if (spec === undefined) {
        throw new InputError(`${command.name}: unknown option '--${key}'; valid: ${command.options.map((o) => "--" + o.name).join(", ") || "none"}`);
      }
      if (spec.value !== undefined) {
        const v = inline ?? argv[++i];
        if (v === undefined || v.startsWith("--")) throw new InputError(`${command.name}: option --${key} needs a value (${spec.value})`);
        options[key] = v;
      } else {
        if (inline !== undefined) throw new InputError(`${command.name}: option --${key} takes no value`);
        options[key] = true;
      }
    } else args.push(a);
  }
  if (args.length < command.minArgs || args.length > command.maxArgs) {
    throw new InputError(`${command.name}: expected ${command.args}, got ${args.length === 0 ? "no arguments" : args.map((a) => `'${a}'`).join(" ")}`);
  }
  return { command, args, options };
}

export function helpText(version: string): string {
  const lines = [`mofhop ${version}: ion transport in MOF solid electrolytes`, "", "Usage:"];
  for (const c of COMMANDS) {
    lines.push(`  mofhop ${c.name} ${c.args}${c.options.map((o) => ` [--${o.name}${o.value ? " " + o.value : ""}]`).join("")}`);
    lines.push(`      ${c.summary}`);
    for (const o of c.options) lines.push(`      --${o.name}${o.value ? " " + o.value : ""}`.padEnd(28) + o.description);
  }
  lines.push("", "Exit codes: 0 ok, 2 bad input (the message names the field and value), 1 other failure.");
  return lines.join("\n");
}
