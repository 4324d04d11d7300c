/**
 * Loaded with `node --import` by the main-job benchmark: on exit, writes the process's peak
 * resident set (kB, all threads: getrusage's ru_maxrss) to $MOFHOP_PEAK_RSS_FILE.
 */
import { writeFileSync } from "node:fs";

const file = process.env.MOFHOP_PEAK_RSS_FILE;
if (file !== undefined && file !== "") {
  process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
}
