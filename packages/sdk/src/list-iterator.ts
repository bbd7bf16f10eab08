/**
 * Walks a paginated list operation page by page. Awaiting it gives `{ data: every item of every page, error }`;
 * `for await` over it yields the items as each page arrives (and throws the page's error: `HoodyApiError` for an
 * API error, `HoodyTransportError` for a transport failure).
 */
import { HoodyApiError, HoodyTransportError, type ErrorEnvelopeShape } from './errors.js';

export type PageResult<Item, Error> = {
  data?: { data: ReadonlyArray<Item>; metadata: { page: number; pages: number } } | undefined;
  error?: Error | undefined;
};

type Collected<Item, Error> = { data: Item[]; error: undefined } | { data: undefined; error: Error };

export class ListIterator<Item, Error> implements PromiseLike<Collected<Item, Error>>, AsyncIterable<Item> {
  readonly #fetchPage: (page: number) => Promise<PageResult<Item, Error>>;
  readonly #firstPage: number;

  constructor(fetchPage: (page: number) => Promise<PageResult<Item, Error>>, firstPage = 1) {
    this.#fetchPage = fetchPage;
    this.#firstPage = firstPage;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    for (let page = this.#firstPage; ; page += 1) {
      const { data, error } = await this.#fetchPage(page);
      if (!data) throw error instanceof HoodyTransportError ? error : new HoodyApiError(error as ErrorEnvelopeShape);
      yield* data.data;
      if (page >= data.metadata.pages || data.data.length === 0) return;
    }
  }

  /** Every item of every page, or the first failing page's error. */
  async collect(): Promise<Collected<Item, Error>> {
    const items: Item[] = [];
    try {
      for await (const item of this) items.push(item);
    } catch (failure) {
      if (failure instanceof HoodyApiError) return { data: undefined, error: failure.body as Error };
      if (failure instanceof HoodyTransportError) return { data: undefined, error: failure as Error };
      throw failure;
    }
    return { data: items, error: undefined };
  }

  then<Fulfilled = Collected<Item, Error>, Rejected = never>(
    onFulfilled?: ((value: Collected<Item, Error>) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onRejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): PromiseLike<Fulfilled | Rejected> {
    return this.collect().then(onFulfilled, onRejected);
  }
}
