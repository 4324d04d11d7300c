/** One benchmark case: `run` returns the JSON fields printed after `"bench": name`. */
export interface BenchCase {
  readonly name: string;
  readonly description: string;
  run(options: BenchOptions): Promise<Record<string, unknown>>;
}

export interface BenchOptions {
  /** Also run the reference implementations in ../shared/bench-ref (when present). */
  readonly withReference: boolean;
  /** Write progress to stderr. */
  readonly log: (message: string) => void;
  /** Threads of the network solves (`--threads N`; default the solver's automatic choice). */
  readonly threads?: number;
}
