// Buildings' names for the pages that show a building_id (changes, renovations): each
// building asked for once while the page is open, however many rows name it.
import { reactive } from 'vue'
import { api, must } from '@/api/client'

export function useBuildingNames() {
  const names = reactive(new Map<string, string | null>())

  /** Looks up the buildings not known yet; one that cannot be read keeps no name. */
  async function learn(buildingIds: readonly (string | null | undefined)[]): Promise<void> {
    const wanted = [...new Set(buildingIds.filter((id): id is string => !!id && !names.has(id)))]
    for (const id of wanted) names.set(id, null)
    await Promise.all(
      wanted.map(async (building_id) => {
        try {
          const building = await must(api.GET('/api/v1/asset/buildings/{building_id}', { params: { path: { building_id } } }))
          names.set(building_id, building.name)
        } catch {
          // Shown by its id instead: the row is listed all the same.
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

export type BuildingNames = ReturnType<typeof useBuildingNames>
