// Reads every document of an index with a scroll in _doc order: no sort on _id (Elasticsearch 8 refuses it)
// and no field the documents must have, so documents the workload never wrote are found too.

import type { ClusterClient } from '../cluster/client.js';
import { enc } from '../cluster/client.js';
import type { SearchResponse } from '../cluster/types.js';
import type { DocSource } from './record.js';

export async function scanIndex(
  client: ClusterClient,
  index: string,
  onPage: (hits: { id: string; source: DocSource }[]) => void,
): Promise<void> {
  let page = await client.json<SearchResponse<DocSource>>({
    method: 'POST',
    path: `/${enc(index)}/_search`,
    query: { scroll: '2m' },
    body: { size: 1000, sort: ['_doc'] },
    idempotent: true,
    what: `scan ${index}`,
  });
  try {
    while (page.hits.hits.length > 0) {
      onPage(page.hits.hits.map((h) => ({ id: h._id, source: h._source ?? {} })));
      page = await client.json<SearchResponse<DocSource>>({
        method: 'POST',
        path: '/_search/scroll',
        body: { scroll: '2m', scroll_id: page._scroll_id },
        idempotent: true,
        what: `scan ${index}`,
      });
    }
  } finally {
    if (page._scroll_id) {
      await client.request({
        method: 'DELETE',
        path: '/_search/scroll',
        body: { scroll_id: page._scroll_id },
        okStatuses: [404],
        what: 'clear scroll',
      });
    }
  }
}
