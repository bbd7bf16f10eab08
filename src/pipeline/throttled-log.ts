/**
 * A log line that comes in floods written at most once per interval. While the database is away every request
 * answers 503, and one error line each would flood the log at the request rate: the first line is written at once,
 * then at most one per interval. A line that stands for more than one occurrence says how many in `count` (the ones
 * left out since the line before, and its own) and carries the fields of the last. Nothing is lost from the count;
 * only the repeated lines are.
 */
export class ThrottledLog {
  private lastWrittenAt = Number.NEGATIVE_INFINITY;
  private leftOut = 0;
  private lastFields: Record<string, unknown> = {};
  private summary: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (fields: Record<string, unknown>) => void,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  report(fields: Record<string, unknown>): void {
    const now = this.now();
    if (now - this.lastWrittenAt >= this.intervalMs) {
      this.flush(fields, now);
      return;
    }
    this.leftOut += 1;
    this.lastFields = fields;
    // The count of a flood that stops is still written, one interval after the last line: the last occurrence's line
    // stands for it and the ones before.
    this.summary ??= setTimeout(
      () => {
        this.leftOut -= 1;
        this.flush(this.lastFields, this.now());
      },
      this.lastWrittenAt + this.intervalMs - now,
    );
    this.summary.unref();
  }

  /** Writes `fields` as the line of one occurrence and of the `leftOut` before it. */
  private flush(fields: Record<string, unknown>, now: number) {
    clearTimeout(this.summary);
    this.summary = undefined;
    this.write(this.leftOut > 0 ? { ...fields, count: this.leftOut + 1 } : fields);
    this.leftOut = 0;
    this.lastWrittenAt = now;
  }
}
