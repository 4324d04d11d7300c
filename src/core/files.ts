/** Files written atomically: to a temporary name in the same directory, then renamed. */
import { mkdirSync, renameSync, writeFileSync, rmSync } from "node:fs";
import { dirname, basename, join } from "node:path";

export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
