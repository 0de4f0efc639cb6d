// Units' names for the pages that show a unit_id (users, clients): each unit asked for
// once, while the page is open, however many rows name it.
import { reactive } from 'vue'
import { api, must } from '@/api/client'

export function useUnitNames() {
  const names = reactive(new Map<string, string | null>())

  /** Looks up the units not known yet; a unit that cannot be read keeps no name. */
  async function learn(unitIds: readonly (string | null | undefined)[]): Promise<void> {
    const wanted = [...new Set(unitIds.filter((id): id is string => !!id && !names.has(id)))]
    for (const id of wanted) names.set(id, null)
    await Promise.all(
      wanted.map(async (id) => {
        try {
          const unit = await must(api.GET('/api/v1/asset/units/{unit_id}', { params: { path: { unit_id: id } } }))
          names.set(id, unit.name)
        } catch {
          // Shown by its id instead: a unit removed or out of reach does not stop the page.
        }
      }),
    )
  }

  function remember(id: string, name: string): void {
    names.set(id, name)
  }

  function nameOf(id: string): string | null {
    return names.get(id) ?? null
  }

  return { learn, remember, nameOf }
}

export type UnitNames = ReturnType<typeof useUnitNames>
