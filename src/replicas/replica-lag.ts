/**
 * How far a replica is behind the primary, in time, from the primary's WAL positions sampled at
 * each check: a replica that has not replayed a position the primary reached at time T is at
 * least `now - T` behind. The replica's own `now() - pg_last_xact_replay_timestamp()` cannot
 * tell "nothing to replay" from "cut off from the primary", and grows on an idle primary.
 * Measured to within one check interval (the primary may have reached a position just after
 * the check before).
 */
export class PrimaryProgress {
  /** Positions in increasing order, each with when a check first saw it. */
  private readonly samples: { at: number; lsn: bigint }[] = [];

  /** `keepMs` bounds the history; a lag beyond it is reported as at least that old. */
  constructor(private readonly keepMs: number) {}

  record(lsn: bigint, at: number): void {
    const last = this.samples.at(-1);
    if (last === undefined || lsn > last.lsn) this.samples.push({ at, lsn });
    // The newest sample older than the window stays: a replica behind it is measured as at
    // least that far behind, never as caught up.
    const cutoff = at - this.keepMs;
    while ((this.samples[1]?.at ?? Infinity) < cutoff) this.samples.shift();
  }

  /** Milliseconds a replica that replayed up to `replayed` is behind; null before any sample. */
  lagMs(replayed: bigint, now: number): number | null {
    if (this.samples.length === 0) return null;
    const missing = this.samples.find((sample) => sample.lsn > replayed);
    return missing === undefined ? 0 : Math.max(0, now - missing.at);
  }
}
