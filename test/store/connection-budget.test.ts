/**
 * One process's PostgreSQL connections (DATABASE_MAX_CONNECTIONS): how they are split among its pools, what the
 * database accepts from the server's role, and the warning at start when all processes together may want more.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { capacityOf, connectionBudgetWarning, splitConnections, type CapacityRow } from '../../src/store/postgres/connection-budget.js';

const row = (changes: Partial<CapacityRow>): CapacityRow => ({
  max_connections: 100,
  reserved: 3,
  role_limit: -1,
  database_limit: -1,
  superuser: false,
  ...changes,
});

describe('connection budget', () => {
  it('splits a budget among the pools and the listener, never opening more than it, each pool at least one', () => {
    expect(splitConnections(25)).toEqual({ main: 10, read: 10, activity: 4, listener: 1 });
    expect(splitConnections(4)).toEqual({ main: 1, read: 1, activity: 1, listener: 1 });
    for (let budget = 4; budget <= 200; budget += 1) {
      const { main, read, activity, listener } = splitConnections(budget);
      expect(main + read + activity + listener).toBe(budget);
      expect(Math.min(main, read, activity)).toBeGreaterThanOrEqual(1);
      expect(main - read).toBeGreaterThanOrEqual(0);
      expect(main - read).toBeLessThanOrEqual(1);
    }
    expect(() => splitConnections(3)).toThrow('at least 4');
  });

  it('DATABASE_MAX_CONNECTIONS: 25 by default, at least 4', () => {
    expect(loadConfig({}, []).databaseMaxConnections).toBe(25);
    expect(loadConfig({ DATABASE_MAX_CONNECTIONS: '8' }, []).databaseMaxConnections).toBe(8);
    expect(() => loadConfig({ DATABASE_MAX_CONNECTIONS: '3' }, [])).toThrow('DATABASE_MAX_CONNECTIONS must be a whole number of at least 4, not 3');
    expect(() => loadConfig({ DATABASE_MAX_CONNECTIONS: 'many' }, [])).toThrow('DATABASE_MAX_CONNECTIONS must be');
  });

  it('takes the tightest of max_connections less the reserved slots, the role limit and the database limit', () => {
    expect(capacityOf(row({}))).toEqual({ accepts: 97, limitedBy: 'max_connections less the reserved connections' });
    expect(capacityOf(row({ role_limit: 40 }))).toEqual({ accepts: 40, limitedBy: "the role's CONNECTION LIMIT" });
    expect(capacityOf(row({ role_limit: 40, database_limit: 30 }))).toEqual({ accepts: 30, limitedBy: "the database's CONNECTION LIMIT" });
    // PostgreSQL holds a superuser to none of those limits but max_connections itself.
    expect(capacityOf(row({ superuser: true, role_limit: 5, database_limit: 5 }))).toEqual({ accepts: 100, limitedBy: 'max_connections' });
  });

  it('warns when the processes together may open more connections than the database accepts', () => {
    const capacity = { accepts: 97, limitedBy: 'max_connections less the reserved connections' };
    expect(connectionBudgetWarning(3, 25, capacity)).toBeUndefined();
    expect(connectionBudgetWarning(1, 97, capacity)).toBeUndefined();
    expect(connectionBudgetWarning(4, 25, capacity)).toBe(
      '4 process(es) x DATABASE_MAX_CONNECTIONS=25 may open 100 PostgreSQL connections, but the database accepts 97 from this role ' +
        '(max_connections less the reserved connections), other clients included: under load, requests past that wait for the ' +
        'connections already open, or answer 503 where none is. Lower DATABASE_MAX_CONNECTIONS or WORKERS, or raise the limit.',
    );
  });
});
