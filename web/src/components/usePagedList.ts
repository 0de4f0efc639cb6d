// A list read a page at a time from the server (limit/offset), read again when its page
// changes or `reload` is called. A refusal is kept in words for the list to show in place
// (a page of several lists stays usable when one source is away), and an older, slower
// answer never overwrites a newer one.
import { ref, watch, type Ref } from 'vue'
import { messageOf } from '@/api/problems'

export interface Paged<T> {
  items: T[]
  total: number
}

export function usePagedList<T>(fetchPage: (query: { limit: number; offset: number }) => Promise<Paged<T>>, size: number) {
  const items = ref([]) as Ref<T[]>
  const total = ref(0)
  const page = ref(1)
  const loading = ref(false)
  const loaded = ref(false)
  const failure = ref('')
  let asked = 0

  async function reload(): Promise<void> {
    const mine = ++asked
    loading.value = true
    try {
      const answer = await fetchPage({ limit: size, offset: (page.value - 1) * size })
      if (mine !== asked) return
      items.value = answer.items
      total.value = answer.total
      failure.value = ''
      loaded.value = true
    } catch (error) {
      if (mine === asked) failure.value = messageOf(error)
    } finally {
      if (mine === asked) loading.value = false
    }
  }

  watch(page, reload)
  return { items, total, page, loading, loaded, failure, reload }
}
