/**
 * The date forms the API accepts (spec: `ExpirationInput`, `DateQuery`): ISO 8601 dates and date-times, Unix
 * timestamps in seconds (below 100,000,000,000) or milliseconds, as numbers or digit strings, `today` and
 * `tomorrow`. A date alone, `today` and `tomorrow` mean the start of that UTC day for filters and its end for
 * expirations.
 */
const DAY_MS = 24 * 3600 * 1000;
export type DateEdge = 'start' | 'end';

export function parseDateInput(input: string | number, edge: DateEdge, now: Date): Date | undefined {
  const text = String(input).trim();
  if (text === 'today' || text === 'tomorrow') {
    const dayStart = Math.floor(now.getTime() / DAY_MS) * DAY_MS + (text === 'tomorrow' ? DAY_MS : 0);
    return new Date(edge === 'start' ? dayStart : dayStart + DAY_MS - 1);
  }
  if (/^\d{1,14}$/.test(text)) {
    const value = Number(text);
    return new Date(value < 100_000_000_000 ? value * 1000 : value);
  }
  const day = text.match(/^(\d{4})-(\d{2})-(\d{2})/);
  if (!day) return undefined;
  const start = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
  // Date parsing rolls 2025-02-30 over into March; a calendar date that does not round-trip does not exist.
  if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== day[0]) return undefined;
  if (text.length === 10) return new Date(edge === 'start' ? start : start + DAY_MS - 1);
  if (text[10] !== 'T') return undefined;
  const parsed = new Date(/[Zz]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/**
 * `new Date(ms).toISOString()`, made once a millisecond: each caller that asks on every request (a request's
 * time, the retention's start) keeps one of these, and the requests of one millisecond share one string.
 */
export function isoTextOnceAMillisecond(): (ms: number) => string {
  let lastMs = NaN;
  let lastText = '';
  return (ms) => {
    if (ms !== lastMs) {
      lastText = new Date(ms).toISOString();
      lastMs = ms;
    }
    return lastText;
  };
}
