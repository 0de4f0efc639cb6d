// Lists are paged on the server: the page a person is on, as the API's limit and offset.

/** Rows per page of the administration lists. */
export const PAGE_SIZE = 20

export function pageQuery(page: number, size: number = PAGE_SIZE): { limit: number; offset: number } {
  return { limit: size, offset: (Math.max(1, Math.floor(page)) - 1) * size }
}
