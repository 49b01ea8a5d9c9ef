// Reads every document of an index with a scroll in _doc order: no sort on _id (Elasticsearch 8 refuses it)
// and no field the documents must have, so documents the workload never wrote are found too.

import type { ClusterClient } from '../cluster/client.js';
import { clearScroll, nextScrollPage, openScroll } from '../cluster/read/read-context.js';
import type { DocSource } from './record.js';

export async function scanIndex(
  client: ClusterClient,
  index: string,
  onPage: (hits: { id: string; source: DocSource }[]) => void,
): Promise<void> {
  const scroll = { keepAlive: '2m', what: `scan ${index}` };
  let page = await openScroll<DocSource>(client, index, { size: 1000, sort: ['_doc'] }, scroll);
  try {
    while (page.hits.length > 0) {
      onPage(page.hits.map((h) => ({ id: h._id, source: h._source ?? {} })));
      if (!page.scrollId) break;
      page = await nextScrollPage<DocSource>(client, page.scrollId, scroll);
    }
  } finally {
    if (page.scrollId) await clearScroll(client, page.scrollId);
  }
}
