// Who is looking at the ledger, in the shape its rules and the colleague look-up take.
import { computed, type ComputedRef } from 'vue'
import { useSessionStore } from '@/stores/session'
import type { Viewer } from './rules'

export function useViewer(): ComputedRef<Viewer> {
  const session = useSessionStore()
  return computed(() => ({
    id: session.user?.id ?? '',
    roles: session.user?.roles ?? [],
    department: session.user?.department ?? null,
  }))
}
