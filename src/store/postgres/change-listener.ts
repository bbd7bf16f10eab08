/**
 * One dedicated connection that LISTENs for the principal-change notifications of this store's schema (migration
 * 005). It reports when it is up and when it is lost; a lost connection is re-opened after a pause, for as long as
 * the store is open. It needs a session connection (a transaction-mode pooler in between would drop LISTEN).
 */
import pg from 'pg';
import { quoteIdentifier } from './connection.js';

export type ListenerEvents = { up(): void; down(): void; message(payload: string): void };

const RECONNECT_MS = 1000;

export class ChangeListener {
  private client: pg.Client | undefined;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly events: ListenerEvents,
  ) {}

  /** Opens the connection; a failure only schedules another attempt (the store works without the cache). */
  async start(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(this.config);
    const lost = () => this.lost(client);
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => this.events.message(message.payload ?? ''));
    try {
      await client.connect();
      const { rows } = await client.query<{ schema: string }>('SELECT current_schema() AS schema');
      await client.query(`LISTEN ${quoteIdentifier(channelFor(rows[0].schema))}`);
      if (this.closed) return void client.end().catch(() => {});
      this.client = client;
      this.events.up();
    } catch {
      client.end().catch(() => {});
      this.lost(client);
    }
  }

  private lost(client: pg.Client) {
    if (this.client === client) {
      this.client = undefined;
      this.events.down();
    }
    if (this.closed || this.retry || this.client) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.start();
    }, RECONNECT_MS);
    this.retry.unref();
  }

  async close() {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}

/** The channel the triggers of one schema notify on (channels are per database, schemas share them). */
export function channelFor(schema: string): string {
  return `hoody_principals:${schema}`;
}
