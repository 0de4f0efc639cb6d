// The bureau's people by name: a department's colleagues, looked up once per reader and
// department (GET /auth/colleagues), for naming the people on a ticket and choosing whom
// to hand one on to. The gateway lets the bureau's staff look up their own department
// (admin, leaders and auditors any); a unit's staff none — to them the bureau's people
// are its staff, unnamed.
import { computed, ref, watch, type Ref } from 'vue'
import { api, must } from '@/api/client'
import type { components } from '@/api/schema'
import type { Role } from '@/roles'
import type { KnownPeople } from '@/tickets/format'

export type Colleague = components['schemas']['Colleague']

const BUREAU: readonly Role[] = ['admin', 'leader', 'dept_head', 'agent', 'auditor', 'commander']
const ANY_DEPARTMENT: readonly Role[] = ['admin', 'leader', 'auditor']
const PAGE = 500

export interface Reader {
  id: string
  roles: readonly string[]
  department?: string | null
}

/** How the reader may know the people of `department`: look them up by name, tell them
 *  apart by id only (another department's), or know them as the bureau's staff. */
export function colleagueSight(reader: Reader, department: string | null | undefined): 'names' | 'ids' | 'staff' {
  if (!reader.roles.some((role) => BUREAU.includes(role as Role))) return 'staff'
  if (!department) return 'ids'
  const anyDepartment = reader.roles.some((role) => ANY_DEPARTMENT.includes(role as Role))
  return anyDepartment || department === reader.department ? 'names' : 'ids'
}

/** Whom the reader can name, from the colleagues they could look up. */
export function knownPeople(colleagues: readonly Colleague[], sight: 'names' | 'ids' | 'staff'): KnownPeople {
  return { names: new Map(colleagues.map((c) => [c.id, c.display_name])), idsShown: sight !== 'staff' }
}

const looked = new Map<string, Promise<Colleague[]>>()

async function lookUp(department: string): Promise<Colleague[]> {
  const found: Colleague[] = []
  for (;;) {
    const page = await must(
      api.GET('/api/v1/auth/colleagues', { params: { query: { department, limit: PAGE, offset: found.length } } }),
    )
    found.push(...page.items)
    if (page.items.length === 0 || found.length >= page.total) return found
  }
}

/** A department's colleagues as the reader may know them, looked up once per reader and
 *  department; a refusal or failure leaves people told apart by id. */
export function useColleagues(reader: Ref<Reader>, department: Ref<string | null | undefined>) {
  const colleagues = ref<Colleague[]>([])
  const sight = computed(() => colleagueSight(reader.value, department.value))
  watch(
    [() => reader.value.id, department, sight],
    async () => {
      colleagues.value = []
      if (sight.value !== 'names' || !department.value) return
      const key = `${reader.value.id}\n${department.value}`
      let asked = looked.get(key)
      if (!asked) {
        asked = lookUp(department.value)
        looked.set(key, asked)
        asked.catch(() => looked.delete(key))
      }
      const wanted = department.value
      const found = await asked.catch(() => [] as Colleague[])
      if (wanted === department.value) colleagues.value = found
    },
    { immediate: true },
  )
  const people = computed(() => knownPeople(colleagues.value, sight.value))
  return { colleagues, people }
}
