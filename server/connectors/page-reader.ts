/**
 * The one way the engine opens keyset pages of a source: the connector's own session reader when it
 * has one, otherwise each page through its stateless readPage.
 */
import type { PageReader, PageReaderParams, SourceConnector } from "./types";

export async function openPageReader<C>(source: SourceConnector<C>, params: PageReaderParams<C>): Promise<PageReader> {
  if (source.openReader) return source.openReader(params);
  return {
    readPage: ({ after, limit }) => source.readPage({ ...params, after, limit }),
    close: async () => undefined,
  };
}
