// A page of tickets from the server (limit/offset), loaded again when the page or the
// filters change; a refusal is told in words and leaves the last page shown.
import { ref, watch, type Ref } from 'vue'
import { api, must } from '@/api/client'
import type { paths } from '@/api/schema'
import { showProblem } from '@/api/problems'
import type { Ticket } from '@/tickets/rules'

type TicketQuery = NonNullable<paths['/api/v1/ticket/tickets']['get']['parameters']['query']>
export type TicketFilters = Omit<TicketQuery, 'limit' | 'offset'>

export const PAGE_SIZE = 20

export function usePagedTickets(filters: Ref<TicketFilters | null>) {
  const tickets = ref<Ticket[]>([])
  const total = ref(0)
  const page = ref(1)
  const loading = ref(false)
  const loaded = ref(false)
  let asked = 0

  async function load(): Promise<void> {
    if (filters.value === null) return
    const mine = ++asked
    loading.value = true
    try {
      const answer = await must(
        api.GET('/api/v1/ticket/tickets', {
          params: { query: { ...filters.value, limit: PAGE_SIZE, offset: (page.value - 1) * PAGE_SIZE } },
        }),
      )
      // A slower, older answer never overwrites a newer one.
      if (mine !== asked) return
      tickets.value = answer.items
      total.value = answer.total
      loaded.value = true
    } catch (error) {
      if (mine === asked) showProblem(error)
    } finally {
      if (mine === asked) loading.value = false
    }
  }

  watch(page, load)
  watch(
    filters,
    () => {
      if (page.value === 1) void load()
      else page.value = 1
    },
    { deep: true, immediate: true },
  )
  return { tickets, total, page, loading, loaded, load, pageSize: PAGE_SIZE }
}
