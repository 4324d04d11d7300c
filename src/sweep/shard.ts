/** Shards: `K/N` runs the jobs whose number % N == K (0 <= K < N), for a cluster's job array. */
import { ScenarioError } from "../core/errors.js";

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string, field = "shard"): Shard {
  const m = /^(0|[1-9][0-9]{0,8})\/([1-9][0-9]{0,8})$/.exec(text.trim());
  if (m === null) throw new ScenarioError(field, `got ${JSON.stringify(text)}; expected K/N with whole numbers 0 <= K < N, e.g. 0/4`);
  const index = Number(m[1]), count = Number(m[2]);
  if (index >= count) throw new ScenarioError(field, `got ${JSON.stringify(text)}; K must be below N (0 <= K < ${count})`);
  return { index, count };
}

export function shardText(shard: Shard | undefined): string | null {
  return shard === undefined ? null : `${shard.index}/${shard.count}`;
}

export function inShard(job: number, shard: Shard | undefined): boolean {
  return shard === undefined || job % shard.count === shard.index;
}
