// What list methods return: a plain `{ data, nextCursor }` object that can
// also be iterated with `for await` over every item of every page (as in the
// Stripe and OpenAI SDKs). The iterator is non-enumerable, so the page still
// compares and serialises as the plain object the API documents.

export function makePage(page, fetchNext) {
  Object.defineProperty(page, Symbol.asyncIterator, {
    enumerable: false,
    value: async function* iterate() {
      let current = page;
      for (;;) {
        yield* current.data;
        // A change feed's cursor is never null: it ends at an empty page.
        if (current.nextCursor == null || current.data.length === 0) return;
        current = await fetchNext(current.nextCursor);
      }
    },
  });
  return page;
}

/**
 * A list command's first page, each page able to fetch the next; `shape`
 * (optional) rewrites each page as it is read.
 */
export function queryPages(core, cmd, input, params, shape = (page) => page) {
  const page = async (cursor) => makePage(shape(await core.queryAsync(cmd, { ...input, cursor, limit: params?.limit })), page);
  return page(params?.cursor);
}
