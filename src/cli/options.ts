/**
 * The CLI's commands and options as one data table (after vitest's cli-config): help and
 * parsing both come from it.
 */
import { InputError } from "../core/errors.js";
import { REPORT_COMMANDS } from "./report.js";
import { SWEEP_COMMANDS } from "./sweepCommands.js";

export interface OptionSpec {
  readonly name: string;
  readonly value?: string;
  readonly description: string;
  /** The command refuses to run without it. */
  readonly required?: boolean;
  /** May be given several times: the values are joined with commas (as one comma-separated list). */
  readonly repeatable?: boolean;
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
  /** Example command lines for `mofhop COMMAND --help`. */
  readonly examples?: readonly string[];
  /** Further lines for `mofhop COMMAND --help` (input formats). */
  readonly notes?: readonly string[];
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
      { name: "out", value: "DIR", description: "write results.json, CSV tables and SVG plots into DIR (voxel designs also current-slice.csv: the mid-plane normal to y with each voxel's phase and |j|; particle networks network-slice.json: a slab about the mid-plane z = L/2 with each bond's current at 1 V/cm along x)" },
      { name: "fields", description: "with --out, a voxel design: fields.vti (VTK ImageData for ParaView: phase, grain, potential and |j| of one DC solve of realisation 0 at the temperature nearest 298.15 K)" },
      { name: "quiet", description: "no progress bar on stderr" },
      { name: "checkpoint", value: "FILE", description: "save progress to FILE and continue from it if it exists (the KMC then runs on one thread)" },
      { name: "every", value: "SECONDS", description: "seconds between checkpoints (default 60)" },
      { name: "uncertainty", value: "N", description: "draw the scenario's distributions N times (Latin hypercube) and report every output with bands, sensitivities and what to measure next (needs --out; resumable)" },
      { name: "workers", value: "N", description: "with --uncertainty: samples run side by side in N worker threads (default: available CPUs)" },
      { name: "kmc-workers", value: "N", description: "each temperature's KMC replicas on N worker threads, results identical to one thread (default: available CPUs, at most the replicas; 1 with --checkpoint, which refuses N > 1)" },
      { name: "shard", value: "K/N", description: "with --uncertainty: run only samples s with s % N == K (a cluster's job array; merge the shards' DIR/uncertainty-samples, then run without --shard)" },
      { name: "posterior", value: "FILE[,FILE]", description: "with --uncertainty: the inputs a posterior.json calibrated (calibrate --measurements) take its draws instead of their priors" },
      { name: "emulate", value: "M|auto", description: "with --uncertainty N: run M samples through the whole chain, fit each output an expansion (its left-out error drawn into every sample) and take the N draws through it; an output it cannot follow keeps the M runs' band (M from 3 (k + 1) for k uncertain inputs, below N; auto: each design its own 3 (k + 1))" },
    ],
    notes: [
      "--fields: fields.vti is VTK XML ImageData (ParaView, VisIt, PyVista and ITK read it), its arrays raw little-endian binary appended",
      "after the XML header: one cell per voxel, spacing the voxel edges in nm, origin 0 at the sample's corner; phase (labels, named in the",
      "header's comment), grain, potentialV (NaN off the clusters that carry current), currentDensityACm2 (|j|); 1 V across x, the current's",
      "direction (an image's transport axis is turned to x).",
    ],
    examples: ["mofhop run scenarios/paper/pellet.json", "mofhop run scenarios/paper/interconnected.json --out results/interconnected --fields", "mofhop run scenarios/paper/pellet.json --uncertainty 64 --out results/pellet-bands", "mofhop run scenarios/paper/mof-pvdf.json --out results/mof-pvdf", "mofhop run scenarios/paper/interconnected.json --json > interconnected.json"],
  },
  {
    name: "compare",
    args: "SCENARIO.json...",
    summary: "run several scenarios and compare them: one table (CSV, Markdown), SVG plots, an HTML page",
    minArgs: 1,
    maxArgs: Infinity,
    options: [
      { name: "out", value: "DIR", description: "write compare.csv, compare.md, limits.csv, *.svg and index.html into DIR, and each design's results.json and CSV tables (as run --out: impedance spectra, discharge curves, ...) into DIR/NAME", required: true },
      { name: "workers", value: "N", description: "scenarios (and with --uncertainty, samples) run side by side in worker threads (default: available CPUs)" },
      { name: "kmc-workers", value: "N", description: "first the designs' KMC, each temperature's replicas on N worker threads (designs of one MOF share it), then the designs; results identical (default: 1 when designs run side by side, else available CPUs, at most the replicas)" },
      { name: "uncertainty", value: "N", description: "draw each scenario's distributions N times: bands of every output, which design beats which, and what to measure next (resumable in DIR/NAME/uncertainty-samples)" },
      { name: "posterior", value: "FILE[,FILE]", description: "with --uncertainty: the inputs a posterior.json calibrated (calibrate --measurements) take its draws instead of their priors" },
      { name: "emulate", value: "M|auto", description: "with --uncertainty N: run M samples through the whole chain, fit each output an expansion (its left-out error drawn into every sample) and take the N draws through it; an output it cannot follow keeps the M runs' band (M from 3 (k + 1) for k uncertain inputs, below N; auto: each design its own 3 (k + 1))" },
      { name: "measured", value: "FILE", description: "measurements (the calibrate --measurements format: conductivity, Ea, capacity at a C-rate, t+; each with its error and source) drawn beside the predictions and set against them in the tables (default: none)" },
      { name: "fields", description: "each voxel design's fields as DIR/NAME/fields.vti (VTK ImageData for ParaView; as run --fields)" },
      { name: "quiet", description: "no progress bar on stderr" },
    ],
    examples: ["mofhop compare scenarios/paper/*.json --out results/", "mofhop compare scenarios/paper/*.json --measured scenarios/paper/calibration/measurements.json --out results/", "mofhop compare scenarios/paper/pellet.json scenarios/paper/interconnected.json --uncertainty 64 --out bands/", "mofhop compare scenarios/paper/*.json --uncertainty 256 --emulate auto --out bands/", "mofhop compare scenarios/paper/pellet.json scenarios/paper/interconnected.json --out two/ --workers 1"],
  },
  {
    name: "calibrate",
    args: "SCENARIO.json...",
    summary: "point fit: the ion's attempt frequency and a barrier shift that reproduce a measured Arrhenius line (--sigma, --ea; one scenario); Bayesian: the posterior of the scenarios' distributions given measurements (--measurements; several pressed powders of one powder: jointly)",
    minArgs: 1,
    maxArgs: Infinity,
    options: [
      { name: "sigma", value: "S/CM", description: "point fit: measured conductivity at the reference temperature" },
      { name: "ea", value: "EV", description: "point fit: measured activation energy" },
      { name: "measurements", value: "FILE", description: "Bayesian: measurements (conductivity at a temperature, activation energy; each with its error and source) to condition the scenario's distributions on" },
      { name: "uncertainty", value: "N", description: "Bayesian: samples of the chain the emulators are fitted to (default 128)" },
      { name: "workers", value: "N", description: "Bayesian: samples side by side in N worker threads (pressed powders: the draws' network tables; default all cores)" },
      { name: "reference-temperature", value: "K", description: "temperature of --sigma (default 298.15)" },
      { name: "form", value: "sigma|sigmaT", description: "form the measured Ea was fitted in (default sigma: sigma = A exp(-Ea/kT))" },
      { name: "relative-error", value: "X", description: "relative uncertainty of the measured points (default 0.05)" },
      { name: "source", value: "TEXT", description: "where the measured values come from (recorded in the output)" },
      { name: "out", value: "FILE|DIR", description: "point fit: write the fitted parameters as JSON to FILE; Bayesian (required): DIR for posterior.json and the samples' journal" },
      { name: "quiet", description: "no progress bar on stderr" },
    ],
    examples: ["mofhop calibrate scenarios/paper/pellet.json --sigma 2.65e-4 --ea 0.16 --out pellet-li.json", "mofhop calibrate scenarios/paper/pellet.json --measurements scenarios/paper/calibration/measurements.json --uncertainty 64 --out posterior/pellet", "mofhop calibrate scenarios/paper/pellet*.json --measurements scenarios/paper/calibration/measurements.json --uncertainty 64 --out posterior/pellets"],
  },
  {
    name: "validate",
    args: "SCENARIO.json",
    summary: "check a scenario file; exit 0 with a one-line summary, or 2 with the errors",
    minArgs: 1,
    maxArgs: 1,
    options: [],
    examples: ["mofhop validate scenarios/paper/mof-pvdf.json"],
  },
];

/** Measured data: impedance spectra, voxel images. */
const DATA_COMMANDS: readonly CommandSpec[] = [
  {
    name: "image",
    args: "FILE|DIR",
    summary: "a label image (multi-page TIFF, or a folder of numbered TIFF slices; 8/16-bit): volume fraction of each label, and along x, y and z percolation, effective conductivity and tortuosity factor (one DC solve per direction)",
    minArgs: 1,
    maxArgs: 1,
    options: [
      { name: "phase", value: "LABEL[:SIGMA]", description: "a conducting label and its conductivity in S/cm (default 1); repeat, or a comma-separated list; all other labels insulate", required: true, repeatable: true },
      { name: "voxel", value: "NM|NMx,NMy,NMz", description: "voxel edge in nm, or one per image axis (default 1: then conductances are per nm, the conductivity and tortuosity unchanged)" },
      { name: "crop", value: "X0:X1,Y0:Y1,Z0:Z1", description: "keep voxels X0 <= x < X1 (columns), Y0 <= y < Y1 (rows), Z0 <= z < Z1 (pages)" },
      { name: "sides", value: "no-flux|periodic", description: "the four faces parallel to the current: insulating (default) or periodic" },
      { name: "axes", value: "x,y,z", description: "directions to solve (default all three)" },
      { name: "tolerance", value: "X", description: "relative residual of each solve (default 1e-8)" },
      { name: "threads", value: "N", description: "threads of each solve (default: the cores, up to 8; the result is the same on any number)" },
      { name: "json", description: "print one JSON object and nothing else on stdout" },
    ],
    examples: [
      "mofhop image sample.tif --phase 1",
      "mofhop image slices/ --phase 2:0.01 --phase 3:1e-4 --voxel 20,20,50 --crop 0:400,0:400,10:410",
      "mofhop image sample.tif --phase 1 --sides periodic --json > sample-tau.json",
    ],
    notes: [
      "Axes: x = column, y = row, z = page (multi-page TIFF) or slice (folder, ordered by the last number in each file name).",
      "Pages: greyscale, one size, 8 or 16 bits unsigned; uncompressed, LZW or Deflate. PNG slices are not read.",
      "Tortuosity factor: (sum of f_i sigma_i over the conducting labels) / sigma_eff; one conducting label: eps sigma / sigma_eff (TauFactor).",
    ],
  },
  {
    name: "eis",
    args: "FILE.csv",
    summary: "analyse a measured impedance spectrum: Kramers-Kronig check (Lin-KK), equivalent-circuit fit with automatic initial guesses, distribution of relaxation times (Tikhonov + NNLS, lambda by generalised cross-validation)",
    minArgs: 1,
    maxArgs: 1,
    options: [
      { name: "circuit", value: "STR", description: "circuit to fit, e.g. 'R0-p(R1,Q1)-p(R2,Q2)' (default: as the predicted cells: R_bulk-p(R_int,Q_int) or with a grain-boundary arc by BIC; p(R_bulk,Q_bulk)-Q_el for a capacitive tail)" },
      { name: "json", description: "print one JSON object (the KK test, the fit and the DRT) and nothing else on stdout" },
      { name: "out", value: "DIR", description: "write eis.json, drt.csv (tau, gamma) and drt.svg into DIR" },
    ],
    examples: ["mofhop eis measured/li-se-li.csv", "mofhop eis cell.csv --circuit 'R0-p(R1,Q1)-p(R2,Q2)' --out eis-cell/", "mofhop eis cell.csv --json > eis.json"],
    notes: [
      "FILE.csv: a header row, then one row per frequency; comma-, semicolon- or tab-separated; '#' lines skipped.",
      "Columns by header (any case, spaces and a unit such as /Hz, (ohm), _Ohm ignored; other columns ignored):",
      "  frequency in Hz: freq, frequency, f",
      "  Z' in ohm:       Zreal, Z_real, Zre, Z', Re, Re(Z), real",
      "  Z'' in ohm:      Zimag, Z_imag, Zim, Z'', Im, Im(Z), imag (negative for a capacitive arc),",
      "                   or the same with a leading '-' (-Z'', -Im(Z), -Zimag): the column is minus the imaginary part",
      "  e.g. freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm   or   frequency_Hz,Zreal,Zimag",
    ],
  },
];

export const COMMANDS: readonly CommandSpec[] = [...CORE_COMMANDS, ...SWEEP_COMMANDS, ...REPORT_COMMANDS, ...DATA_COMMANDS];

export interface ParsedCommand {
  readonly command: CommandSpec;
  readonly args: readonly string[];
  readonly options: Readonly<Record<string, string | true>>;
}

export function parseArgs(argv: readonly string[]): ParsedCommand | "help" | "version" | { readonly help: CommandSpec } {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") return "help";
  if (argv[0] === "--version" || argv[0] === "-v") return "version";
  const command = COMMANDS.find((c) => c.name === argv[0]);
  if (command === undefined) throw new InputError(`unknown command '${argv[0]}'; valid: ${COMMANDS.map((c) => c.name).join(", ")}`);
  const args: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--help" || a === "-h") return { help: command };
    if (a.startsWith("--")) {
      const [key, inline] = a.slice(2).split("=", 2) as [string, string | undefined];
      const spec = command.options.find((o) => o.name === key);
      if (spec === undefined) {
        throw new InputError(`${command.name}: unknown option '--${key}'; valid: ${command.options.map((o) => "--" + o.name).join(", ") || "none"}`);
      }
      if (spec.value !== undefined) {
        const v = inline ?? argv[++i];
        if (v === undefined || v.startsWith("--")) throw new InputError(`${command.name}: option --${key} needs a value (${spec.value})`);
        const prev = options[key];
        if (typeof prev === "string" && spec.repeatable !== true) throw new InputError(`${command.name}: option --${key} given twice`);
        options[key] = typeof prev === "string" ? `${prev},${v}` : v;
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

function usage(c: CommandSpec): string {
  return `mofhop ${c.name} ${c.args}${c.options.map((o) => (o.required === true ? ` --${o.name} ${o.value ?? ""}`.trimEnd() : ` [--${o.name}${o.value ? " " + o.value : ""}]`)).join("")}`;
}

function optionLines(c: CommandSpec, indent: string): string[] {
  return c.options.map((o) => `${indent}--${o.name}${o.value ? " " + o.value : ""}`.padEnd(indent.length + 26) + o.description + (o.required === true ? " (required)" : ""));
}

/** The global help, or one command's (with its examples) when `command` is given. */
export function helpText(version: string, command?: CommandSpec): string {
  if (command !== undefined) {
    const lines = [`mofhop ${version}`, "", `Usage: ${usage(command)}`, "", command.summary];
    if (command.options.length > 0) lines.push("", "Options:", ...optionLines(command, "  "));
    if (command.notes !== undefined && command.notes.length > 0) lines.push("", ...command.notes);
    if (command.examples !== undefined && command.examples.length > 0) lines.push("", "Examples:", ...command.examples.map((e) => `  ${e}`));
    lines.push("", "Exit codes: 0 ok, 2 bad input (the message names the field and value), 1 other failure.");
    return lines.join("\n");
  }
  const lines = [`mofhop ${version}: ion transport in MOF solid electrolytes`, "", "Usage:"];
  for (const c of COMMANDS) {
    lines.push(`  ${usage(c)}`);
    lines.push(`      ${c.summary}`);
    lines.push(...optionLines(c, "      "));
  }
  lines.push("", "`mofhop COMMAND --help` shows one command with examples.", "Exit codes: 0 ok, 2 bad input (the message names the field and value), 1 other failure.");
  return lines.join("\n");
}
