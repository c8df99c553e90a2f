import { useState } from 'react';

/**
 * Page navigation over an API that pages by opaque next links: remembers the links of the pages
 * already visited, so Previous works without the API offering it. Starts again at page 1 when
 * `resetKey` (the filters and sort order) changes.
 */
export function useKeysetPages(resetKey: string) {
  const [state, setState] = useState<{ key: string; links: (string | undefined)[] }>({
    key: resetKey,
    links: [undefined],
  });
  const links = state.key === resetKey ? state.links : [undefined];
  if (state.key !== resetKey) setState({ key: resetKey, links });
  const page = links.length - 1;
  return {
    page,
    /** The link of the page on screen; undefined for the first page. */
    link: links[page],
    next(link: string | undefined) {
      if (link) setState({ key: resetKey, links: [...links, link] });
    },
    previous() {
      if (links.length > 1) setState({ key: resetKey, links: links.slice(0, -1) });
    },
  };
}
