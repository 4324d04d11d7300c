/** A progress bar on stderr (only when stderr is a terminal), redrawn at most 10 times a second. */
export class ProgressBar {
  private last = 0;
  private readonly start = Date.now();
  private shown = false;
  constructor(private readonly enabled: boolean) {}

  update(fraction: number, label: string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100 && fraction < 1) return;
    if (now - this.start < 1500 && fraction < 1 && !this.shown) return; // short runs stay quiet
    this.last = now;
    this.shown = true;
    const width = 30;
    const f = Math.max(0, Math.min(1, fraction));
    const filled = Math.round(f * width);
    const elapsed = (now - this.start) / 1000;
    const eta = f > 0.01 ? (elapsed * (1 - f)) / f : NaN;
    const etaText = Number.isFinite(eta) ? ` ETA ${formatSeconds(eta)}` : "";
    process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(100 * f).toFixed(0).padStart(3)}% ${label}${etaText}\u001b[K`);
  }

  done(): void {
    if (this.enabled && this.shown) process.stderr.write("\n");
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}
