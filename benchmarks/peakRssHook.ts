/**
 * Loaded with `node --import` by the main-job benchmark: on exit, writes the process's peak
 * resident set (kB, all threads: getrusage's ru_maxrss) and its CPU time (microseconds, all
 * threads) to $MOFHOP_PEAK_RSS_FILE as JSON.
 */
import { writeFileSync } from "node:fs";

const file = process.env.MOFHOP_PEAK_RSS_FILE;
if (file !== undefined && file !== "") {
  process.on("exit", () => {
    const u = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRSS: u.maxRSS, userCPUTime: u.userCPUTime, systemCPUTime: u.systemCPUTime }));
  });
}
