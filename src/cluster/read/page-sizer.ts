// How many documents to ask for in the next page, so that a page stays near a byte size whatever the documents
// weigh: a page of a thousand 20 MB documents would be 20 GB for the server to build and send. It starts small,
// at most doubles from page to page, and follows the bytes per document of the last page.

export class PageSizer {
  private size: number;

  constructor(
    private readonly max: number,
    private readonly targetBytes: number = PAGE_BYTES,
    start = Math.min(max, 100),
  ) {
    this.size = Math.max(1, start);
  }

  next(): number {
    return this.size;
  }

  observe(docs: number, bytes: number): void {
    if (docs === 0) return;
    const fit = Math.floor(this.targetBytes / Math.max(1, bytes / docs));
    this.size = Math.max(1, Math.min(this.max, this.size * 2, fit));
  }
}

/** What a page aims at: big enough that small documents come a thousand a page, small for the server to build. */
export const PAGE_BYTES = 16 * 1024 * 1024;

/** A batch handed to a writer or a listing closes at this size: one bulk body of the applier. */
export const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Documents per page of a scroll carrying `_source`: a scroll's page size is fixed when it opens, so it is set
 * from the index's stored bytes per document. Stored sources are compressed (often 3-5 times for text), so the
 * page aims at a quarter of PAGE_BYTES of stored bytes.
 */
export function scrollPageSize(max: number, storedBytesPerDoc: number): number {
  return Math.max(1, Math.min(max, Math.floor(PAGE_BYTES / 4 / Math.max(1, storedBytesPerDoc))));
}
