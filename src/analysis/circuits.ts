/**
 * Equivalent-circuit impedance models: pure functions of frequency.
 *
 * Elements (omega = 2 pi f, i the imaginary unit; sign convention Z = Z' + i Z'', so a
 * capacitive element has Z'' < 0 and a Nyquist plot shows -Z'' against Z'):
 *   resistor      Z = R
 *   capacitor     Z = 1 / (i omega C)
 *   inductor      Z = i omega L
 *   CPE           Z = 1 / (Q (i omega)^n) = (cos(n pi/2) - i sin(n pi/2)) / (Q omega^n),
 *                 0 < n <= 1, Q in S s^n (Brug et al., J. Electroanal. Chem. 176, 275,
 *                 1984; Orazem and Tribollet, Electrochemical Impedance Spectroscopy,
 *                 2nd ed., ch. 14)
 *   series        Z = sum_k Z_k;   parallel   1/Z = sum_k 1/Z_k
 * R parallel C is a semicircle of diameter R with its apex at omega = 1/(R C)
 * (reference/physics.md); R parallel Q has its apex at omega = (R Q)^(-1/n), height
 * (R/2) tan(n pi/4).
 *
 * Circuits are written as strings in the notation of impedance.py (Murbach et al.,
 * J. Open Source Softw. 5, 2349, 2020): `-` joins parts in series, `p(a,b,...)` puts
 * them in parallel, and each element is a name starting with its kind: R (ohm),
 * C (F), L (H) or Q (a CPE; "Q_int" has the parameters "Q_int" and "n_int").
 * Example: "R_bulk-p(R_int,Q_int)".
 */
import { InputError, describe } from "../core/errors.js";

/** Complex values, one entry per frequency. */
export interface ComplexArray {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

// ---------------------------------------------------------------------------------------
// Elements and compositions on arrays of frequencies

function omegas(frequenciesHz: ArrayLike<number>): Float64Array {
  const w = new Float64Array(frequenciesHz.length);
  for (let i = 0; i < w.length; i++) {
    const f = frequenciesHz[i]!;
    if (!(f > 0 && Number.isFinite(f))) throw new InputError(`frequenciesHz[${i}]: got ${describe(f)}; frequencies must be finite and > 0`);
    w[i] = 2 * Math.PI * f;
  }
  return w;
}

function positive(name: string, v: number): void {
  if (!(v > 0 && Number.isFinite(v))) throw new InputError(`${name}: got ${describe(v)}; must be finite and > 0`);
}

/** Z = R. */
export function resistorImpedance(frequenciesHz: ArrayLike<number>, resistanceOhm: number): ComplexArray {
  positive("resistanceOhm", resistanceOhm);
  omegas(frequenciesHz);
  return { re: new Float64Array(frequenciesHz.length).fill(resistanceOhm), im: new Float64Array(frequenciesHz.length) };
}

/** Z = 1 / (i omega C) = -i / (omega C). */
export function capacitorImpedance(frequenciesHz: ArrayLike<number>, capacitanceF: number): ComplexArray {
  positive("capacitanceF", capacitanceF);
  const w = omegas(frequenciesHz);
  const im = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) im[i] = -1 / (w[i]! * capacitanceF);
  return { re: new Float64Array(w.length), im };
}

/** Z = i omega L. */
export function inductorImpedance(frequenciesHz: ArrayLike<number>, inductanceH: number): ComplexArray {
  positive("inductanceH", inductanceH);
  const w = omegas(frequenciesHz);
  const im = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) im[i] = w[i]! * inductanceH;
  return { re: new Float64Array(w.length), im };
}

/** Constant-phase element Z = 1 / (Q (i omega)^n), 0 < n <= 1 (n = 1: a capacitor C = Q). */
export function cpeImpedance(frequenciesHz: ArrayLike<number>, q: number, n: number): ComplexArray {
  positive("q", q);
  if (!(n > 0 && n <= 1)) throw new InputError(`n: got ${describe(n)}; a CPE exponent must be in (0, 1]`);
  const w = omegas(frequenciesHz);
  const re = new Float64Array(w.length), im = new Float64Array(w.length);
  cpeInto(w, q, n, re, im);
  return { re, im };
}

function cpeInto(w: Float64Array, q: number, n: number, re: Float64Array, im: Float64Array): void {
  const c = Math.cos((n * Math.PI) / 2), s = Math.sin((n * Math.PI) / 2);
  for (let i = 0; i < w.length; i++) {
    const m = 1 / (q * Math.pow(w[i]!, n));
    re[i] = c * m;
    im[i] = -s * m;
  }
}

function sameLength(parts: readonly ComplexArray[]): number {
  if (parts.length === 0) throw new InputError("parts: got none; a series or parallel composition needs at least one part");
  const n = parts[0]!.re.length;
  for (const p of parts) if (p.re.length !== n || p.im.length !== n) throw new InputError(`parts: lengths differ (${n} and ${p.re.length}); all parts must share the frequencies`);
  return n;
}

/** Series: Z = sum_k Z_k. */
export function seriesImpedance(...parts: readonly ComplexArray[]): ComplexArray {
  const n = sameLength(parts);
  const re = new Float64Array(n), im = new Float64Array(n);
  for (const p of parts) for (let i = 0; i < n; i++) {
    re[i]! += p.re[i]!;
    im[i]! += p.im[i]!;
  }
  return { re, im };
}

/** Parallel: 1/Z = sum_k 1/Z_k. */
export function parallelImpedance(...parts: readonly ComplexArray[]): ComplexArray {
  const n = sameLength(parts);
  const yr = new Float64Array(n), yi = new Float64Array(n);
  for (const p of parts) addAdmittance(p.re, p.im, yr, yi);
  invertInPlace(yr, yi);
  return { re: yr, im: yi };
}

function addAdmittance(re: Float64Array, im: Float64Array, yr: Float64Array, yi: Float64Array): void {
  for (let i = 0; i < re.length; i++) {
    const a = re[i]!, b = im[i]!, d = a * a + b * b;
    yr[i]! += a / d;
    yi[i]! -= b / d;
  }
}

function invertInPlace(re: Float64Array, im: Float64Array): void {
  for (let i = 0; i < re.length; i++) {
    const a = re[i]!, b = im[i]!, d = a * a + b * b;
    re[i] = a / d;
    im[i] = -b / d;
  }
}

// ---------------------------------------------------------------------------------------
// Circuits as parsed strings

export type ElementKind = "R" | "C" | "L" | "Q";

export interface ElementNode {
  readonly kind: ElementKind;
  readonly name: string;
}

export interface CompositeNode {
  readonly kind: "series" | "parallel";
  readonly parts: readonly CircuitNode[];
}

export type CircuitNode = ElementNode | CompositeNode;

export function isComposite(node: CircuitNode): node is CompositeNode {
  return node.kind === "series" || node.kind === "parallel";
}

export type ParameterKind = "resistance" | "capacitance" | "inductance" | "cpeCoefficient" | "cpeExponent";

export interface CircuitParameter {
  readonly name: string;
  readonly kind: ParameterKind;
  readonly unit: string;
}

export interface Circuit {
  /** Canonical text, e.g. "R_bulk-p(R_int,Q_int)". */
  readonly text: string;
  readonly root: CircuitNode;
  /** Parameters in the order of their elements in the text (a Q element gives Q then n). */
  readonly parameters: readonly CircuitParameter[];
}

/** The circuits an experimentalist fits to a solid electrolyte. */
export const CIRCUITS = {
  /** Li | SE | Li: bulk resistance in series with the electrode-interface arc. */
  liSymmetric: "R_bulk-p(R_int,Q_int)",
  /** Li | SE | Li with a grain-boundary arc between the bulk intercept and the interface arc. */
  liSymmetricGrainBoundary: "R_bulk-p(R_gb,Q_gb)-p(R_int,Q_int)",
  /** SS | SE | SS (blocking): the bulk arc, then the electrodes' capacitive spike. */
  blocking: "p(R_bulk,Q_bulk)-Q_el",
} as const;

/** "R0-p(R1,Q1)-...-p(Rk,Qk)": a series resistance and k R||CPE (or R||C) arcs. */
export function voigtCircuit(arcs: number, element: "Q" | "C" = "Q"): string {
  if (!(Number.isInteger(arcs) && arcs >= 0)) throw new InputError(`arcs: got ${describe(arcs)}; must be an integer >= 0`);
  const parts = ["R0"];
  for (let k = 1; k <= arcs; k++) parts.push(`p(R${k},${element}${k})`);
  return parts.join("-");
}

const TOKEN = /^[RCLQ][A-Za-z0-9_]*/;

/** Parse impedance.py-style circuit text into a tree with named parameters. */
export function parseCircuit(text: string): Circuit {
  const src = text.replace(/\s+/g, "");
  let pos = 0;
  const fail = (what: string): never => {
    throw new InputError(`circuit: ${JSON.stringify(text)} at position ${pos}: ${what}; write elements R*, C*, L*, Q* joined by '-' (series) and p(a,b,...) (parallel)`);
  };
  const parseSeries = (): CircuitNode => {
    const parts = [parseTerm()];
    while (src[pos] === "-") {
      pos++;
      parts.push(parseTerm());
    }
    return parts.length === 1 ? parts[0]! : { kind: "series", parts };
  };
  const parseTerm = (): CircuitNode => {
    if (src.startsWith("p(", pos)) {
      pos += 2;
      const parts = [parseSeries()];
      while (src[pos] === ",") {
        pos++;
        parts.push(parseSeries());
      }
      if (src[pos] !== ")") fail("expected ')'");
      pos++;
      if (parts.length < 2) fail("p(...) needs at least two parts");
      return { kind: "parallel", parts };
    }
    const m = TOKEN.exec(src.slice(pos));
    if (m === null) return fail(`unexpected ${src[pos] === undefined ? "end" : `'${src[pos]}'`}`);
    pos += m[0].length;
    return { kind: m[0][0] as ElementKind, name: m[0] };
  };
  if (src.length === 0) fail("empty circuit");
  const root = parseSeries();
  if (pos !== src.length) fail(`unexpected '${src[pos]}'`);
  const parameters: CircuitParameter[] = [];
  const walk = (node: CircuitNode): void => {
    if (isComposite(node)) return node.parts.forEach(walk);
    if (node.kind === "R") parameters.push({ name: node.name, kind: "resistance", unit: "ohm" });
    else if (node.kind === "C") parameters.push({ name: node.name, kind: "capacitance", unit: "F" });
    else if (node.kind === "L") parameters.push({ name: node.name, kind: "inductance", unit: "H" });
    else {
      parameters.push({ name: node.name, kind: "cpeCoefficient", unit: "S s^n" });
      parameters.push({ name: `n${node.name.slice(1)}`, kind: "cpeExponent", unit: "" });
    }
  };
  walk(root);
  const seen = new Set<string>();
  for (const p of parameters) {
    if (seen.has(p.name)) throw new InputError(`circuit: ${JSON.stringify(text)}: parameter '${p.name}' appears twice; give each element its own name`);
    seen.add(p.name);
  }
  return { text: canonical(root), root, parameters };
}

function canonical(node: CircuitNode): string {
  if (!isComposite(node)) return node.name;
  return node.kind === "series" ? node.parts.map(canonical).join("-") : `p(${node.parts.map(canonical).join(",")})`;
}

export function asCircuit(circuit: Circuit | string): Circuit {
  return typeof circuit === "string" ? parseCircuit(circuit) : circuit;
}

/** Parameter values in the circuit's order from a record; names every missing or bad one. */
export function parameterVector(circuit: Circuit, values: Readonly<Record<string, number>>): Float64Array {
  const out = new Float64Array(circuit.parameters.length);
  circuit.parameters.forEach((p, k) => {
    const v = values[p.name];
    if (v === undefined) throw new InputError(`parameters.${p.name}: missing; circuit ${circuit.text} needs ${circuit.parameters.map((q) => q.name).join(", ")}`);
    if (p.kind === "cpeExponent") {
      if (!(v > 0 && v <= 1)) throw new InputError(`parameters.${p.name}: got ${describe(v)}; a CPE exponent must be in (0, 1]`);
    } else positive(`parameters.${p.name}`, v);
    out[k] = v;
  });
  return out;
}

/** The impedance of a circuit at each frequency for named parameter values. */
export function circuitImpedance(circuit: Circuit | string, values: Readonly<Record<string, number>>, frequenciesHz: ArrayLike<number>): ComplexArray {
  const c = asCircuit(circuit);
  return evaluateCircuit(c, parameterVector(c, values), omegas(frequenciesHz));
}

/**
 * The kernel behind circuitImpedance: parameters as a vector in the circuit's order and
 * angular frequencies omega (rad/s); no checks (the fitter calls it in its inner loop,
 * and its finite differences step a CPE exponent just past 1).
 */
export function evaluateCircuit(circuit: Circuit, values: ArrayLike<number>, omega: Float64Array): ComplexArray {
  let k = 0;
  const n = omega.length;
  const evalNode = (node: CircuitNode): ComplexArray => {
    const re = new Float64Array(n), im = new Float64Array(n);
    switch (node.kind) {
      case "R": {
        re.fill(values[k++]!);
        break;
      }
      case "C": {
        const c = values[k++]!;
        for (let i = 0; i < n; i++) im[i] = -1 / (omega[i]! * c);
        break;
      }
      case "L": {
        const l = values[k++]!;
        for (let i = 0; i < n; i++) im[i] = omega[i]! * l;
        break;
      }
      case "Q": {
        const q = values[k++]!, e = values[k++]!;
        cpeInto(omega, q, e, re, im);
        break;
      }
      case "series": {
        for (const part of node.parts) {
          const z = evalNode(part);
          for (let i = 0; i < n; i++) {
            re[i]! += z.re[i]!;
            im[i]! += z.im[i]!;
          }
        }
        break;
      }
      case "parallel": {
        for (const part of node.parts) {
          const z = evalNode(part);
          addAdmittance(z.re, z.im, re, im);
        }
        invertInPlace(re, im);
        break;
      }
    }
    return { re, im };
  };
  return evalNode(circuit.root);
}

/** Angular frequencies 2 pi f, checked. */
export function angularFrequencies(frequenciesHz: ArrayLike<number>): Float64Array {
  return omegas(frequenciesHz);
}

/** n frequencies log-spaced from fMaxHz down to fMinHz (the order an analyser sweeps). */
export function logFrequencies(fMinHz: number, fMaxHz: number, n: number): Float64Array {
  positive("fMinHz", fMinHz);
  positive("fMaxHz", fMaxHz);
  if (!(fMaxHz > fMinHz)) throw new InputError(`fMaxHz: got ${fMaxHz}; must exceed fMinHz ${fMinHz}`);
  if (!(Number.isInteger(n) && n >= 2)) throw new InputError(`n: got ${describe(n)}; must be an integer >= 2`);
  const out = new Float64Array(n);
  const a = Math.log10(fMaxHz), b = Math.log10(fMinHz);
  for (let i = 0; i < n; i++) out[i] = Math.pow(10, a + ((b - a) * i) / (n - 1));
  return out;
}
