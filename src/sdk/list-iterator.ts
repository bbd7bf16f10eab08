/**
 * Walks a paginated list operation page by page. Awaiting it gives `{ data: every item of every page, error }`;
 * `for await` over it yields the items as each page arrives (and throws `HoodyApiError` if a page fails).
 */
export type PageResult<Item, Error> = {
  data?: { data: ReadonlyArray<Item>; metadata: { page: number; pages: number } };
  error?: Error;
};

export class HoodyApiError<Error> extends globalThis.Error {
  constructor(readonly body: Error) {
    super(`Hoody API error: ${JSON.stringify(body)}`);
  }
}

export class ListIterator<Item, Error> implements PromiseLike<{ data: Item[]; error: undefined } | { data: undefined; error: Error }>, AsyncIterable<Item> {
  constructor(
    private readonly fetchPage: (page: number) => Promise<PageResult<Item, Error>>,
    private readonly firstPage = 1,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    for (let page = this.firstPage; ; page += 1) {
      const { data, error } = await this.fetchPage(page);
      if (!data) throw new HoodyApiError(error);
      yield* data.data;
      if (page >= data.metadata.pages || data.data.length === 0) return;
    }
  }

  /** Every item of every page, or the first page's error. */
  async collect(): Promise<{ data: Item[]; error: undefined } | { data: undefined; error: Error }> {
    const items: Item[] = [];
    try {
      for await (const item of this) items.push(item);
    } catch (failure) {
      if (failure instanceof HoodyApiError) return { data: undefined, error: failure.body as Error };
      throw failure;
    }
    return { data: items, error: undefined };
  }

  then<Fulfilled = { data: Item[]; error: undefined } | { data: undefined; error: Error }, Rejected = never>(
    onFulfilled?: ((value: { data: Item[]; error: undefined } | { data: undefined; error: Error }) => Fulfilled | PromiseLike<Fulfilled>) | null,
    onRejected?: ((reason: unknown) => Rejected | PromiseLike<Rejected>) | null,
  ): PromiseLike<Fulfilled | Rejected> {
    return this.collect().then(onFulfilled, onRejected);
  }
}
