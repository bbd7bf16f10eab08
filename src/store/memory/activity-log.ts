/**
 * One user's activity log in the memory store, in time order (ties in arrival order), kept by column: the id and the
 * time as strings, the status as a number, and the realm, method, path, IP address and user agent as numbers into a
 * table of distinct strings shared by every log (`StringTable`). Every request appends a record and the log keeps 30
 * days of them, so what each costs to hold is what the store's memory grows by, and what every full garbage
 * collection traces: by column a record is two strings and a few numbers, not an object with strings of its own
 * (bench/README.md has what that measured). Reads build the records they answer.
 */
import { Buffer } from 'node:buffer';
import type { ActivityFilter, ActivityRecord } from '../types.js';

/**
 * Each distinct string once, by number: realms, methods, paths, addresses and user agents repeat across records.
 * Counted by use, so that a string goes when the retention job removes the last record holding it (a client that
 * sends a new user agent with every request would otherwise grow the table for as long as the process lives).
 */
export class StringTable {
  private readonly numbers = new Map<string, number>();
  private readonly strings: string[] = [];
  private readonly uses: number[] = [];
  private readonly free: number[] = [];

  /** The number of `text`, counting one more use of it. */
  use(text: string): number {
    let number = this.numbers.get(text);
    if (number === undefined) {
      number = this.free.pop() ?? this.strings.length;
      this.strings[number] = text;
      this.uses[number] = 0;
      this.numbers.set(text, number);
    }
    this.uses[number] += 1;
    return number;
  }

  /** One use of `number` fewer; the string goes with its last. */
  release(number: number): void {
    this.uses[number] -= 1;
    if (this.uses[number] > 0) return;
    this.numbers.delete(this.strings[number]);
    this.strings[number] = '';
    this.free.push(number);
  }

  /** The number of `text` if some record holds it; -1 matches no record. */
  find(text: string): number {
    return this.numbers.get(text) ?? -1;
  }

  at(number: number): string {
    return this.strings[number];
  }

  /** How many distinct strings are held. */
  get size(): number {
    return this.numbers.size;
  }
}

export class ActivityLog {
  private readonly ids: string[] = [];
  private readonly times: string[] = [];
  private readonly statuses: number[] = [];
  private readonly realms: number[] = [];
  private readonly methods: number[] = [];
  private readonly paths: number[] = [];
  private readonly addresses: number[] = [];
  private readonly agents: number[] = [];
  /**
   * Running byte totals: `byteTotals[k]` is the size of the first k records as JSON. Extended when activity.getStats
   * asks (not on the request path); a record placed before others cuts them back to it.
   */
  private readonly byteTotals = [0];

  constructor(
    private readonly userId: string,
    private readonly strings: StringTable,
  ) {}

  get length(): number {
    return this.ids.length;
  }

  append(record: ActivityRecord): void {
    const count = this.ids.length;
    // Records nearly always arrive in time order, and then this is an append.
    const at = count && this.times[count - 1] > record.created_at ? this.firstFrom(record.created_at, true) : count;
    const place = <T>(column: T[], value: T) => (at === count ? column.push(value) : column.splice(at, 0, value));
    place(this.ids, record.id);
    place(this.times, record.created_at);
    place(this.statuses, record.status_code);
    place(this.realms, this.strings.use(record.realm_id));
    place(this.methods, this.strings.use(record.method));
    place(this.paths, this.strings.use(record.path));
    place(this.addresses, this.strings.use(record.ip_address));
    place(this.agents, this.strings.use(record.user_agent));
    if (this.byteTotals.length > at + 1) this.byteTotals.length = at + 1;
  }

  /** Newest first; unfiltered (a time range only) a slice, else a walk of the range keeping only the page. */
  list(filter: ActivityFilter, page: number, limit: number): { items: ActivityRecord[]; total: number } {
    const from = this.firstFrom(filter.startDate && filter.startDate > filter.since ? filter.startDate : filter.since);
    const to = filter.endDate === undefined ? this.length : this.firstFrom(filter.endDate, true);
    const skip = (page - 1) * limit;
    const items: ActivityRecord[] = [];
    const matches = this.matcher(filter);
    if (!matches) {
      const end = Math.max(from, to - skip);
      for (let i = end - 1; i >= Math.max(from, end - limit); i -= 1) items.push(this.record(i));
      return { items, total: Math.max(0, to - from) };
    }
    let total = 0;
    for (let i = to - 1; i >= from; i -= 1) {
      if (!matches(i)) continue;
      if (total >= skip && items.length < limit) items.push(this.record(i));
      total += 1;
    }
    return { items, total };
  }

  /** O(log n), plus the records appended since the last call. */
  stats(since: string) {
    const from = this.firstFrom(since);
    const count = this.length;
    for (let k = this.byteTotals.length - 1; k < count; k += 1) {
      this.byteTotals.push(this.byteTotals[k] + Buffer.byteLength(JSON.stringify(this.record(k))));
    }
    return {
      totalRecords: count - from,
      totalSizeBytes: this.byteTotals[count] - this.byteTotals[from],
      oldest: from < count ? this.times[from] : null,
      newest: from < count ? this.times[count - 1] : null,
    };
  }

  /** Deletes up to `max` of the oldest records, those before `before`; answers how many. */
  removeBefore(before: string, max: number): number {
    const removed = Math.min(max, this.firstFrom(before));
    if (removed === 0) return 0;
    const numbered = [this.realms, this.methods, this.paths, this.addresses, this.agents];
    for (const column of numbered) for (let i = 0; i < removed; i += 1) this.strings.release(column[i]);
    for (const column of [this.ids, this.times, this.statuses, ...numbered]) column.splice(0, removed);
    this.byteTotals.length = 1;
    return removed;
  }

  private record(i: number): ActivityRecord {
    return {
      id: this.ids[i],
      user_id: this.userId,
      realm_id: this.strings.at(this.realms[i]),
      method: this.strings.at(this.methods[i]) as ActivityRecord['method'],
      path: this.strings.at(this.paths[i]),
      status_code: this.statuses[i],
      ip_address: this.strings.at(this.addresses[i]),
      user_agent: this.strings.at(this.agents[i]),
      created_at: this.times[i],
    };
  }

  /** Whether record i passes the filter's status, method and realm; undefined when the filter has none of them. */
  private matcher(filter: ActivityFilter): ((i: number) => boolean) | undefined {
    const { minStatus, maxStatus, method, realmId } = filter;
    if (minStatus === undefined && maxStatus === undefined && method === undefined && realmId === undefined) return undefined;
    const methodNumber = method === undefined ? undefined : this.strings.find(method);
    const realmNumber = realmId === undefined ? undefined : this.strings.find(realmId);
    return (i) =>
      (minStatus === undefined || this.statuses[i] >= minStatus) &&
      (maxStatus === undefined || this.statuses[i] <= maxStatus) &&
      (methodNumber === undefined || this.methods[i] === methodNumber) &&
      (realmNumber === undefined || this.realms[i] === realmNumber);
  }

  /** Binary search: the first record at or after `time`, or with `strictlyAfter` the first after it. */
  private firstFrom(time: string, strictlyAfter = false): number {
    let low = 0;
    let high = this.times.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const before = strictlyAfter ? this.times[middle] <= time : this.times[middle] < time;
      if (before) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
