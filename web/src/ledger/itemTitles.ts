// The ledger items that lists name only by id (interventions, a scorecard's events), each
// read once for its title and department. One the reader may not see stays unnamed.
import { reactive } from 'vue'
import { api, must } from '@/api/client'
import type { Item } from './tree'

export function useItemsRead() {
  const read = reactive(new Map<string, Item | null>())

  async function learn(ids: readonly string[]): Promise<void> {
    const unknown = [...new Set(ids)].filter((id) => !read.has(id))
    await Promise.all(
      unknown.map(async (id) => {
        try {
          read.set(id, await must(api.GET('/api/v1/ledger/items/{item_id}', { params: { path: { item_id: id } } })))
        } catch {
          read.set(id, null)
        }
      }),
    )
  }

  return { itemOf: (id: string): Item | null => read.get(id) ?? null, learn }
}
