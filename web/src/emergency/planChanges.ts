// What a version of a plan changed from the one before: a line per change a reader of the
// plan cares about (a role added, its holders changed, a grade's step added or reworded, the
// safeguards), not a diff of the stored document. The page words each line (i18n keys
// under emergency.changes).
import { LEVELS, type Level } from '@/emergency/levels'
import type { PlanDocument } from '@/emergency/planForm'

export type PlanChange =
  | { part: 'title' | 'scope' | 'kind' | 'drillInterval' | 'notes' | 'teams'; from: string; to: string }
  | { part: 'incidentTypes'; added: string[]; removed: string[] }
  | { part: 'roleAdded' | 'roleRemoved'; role: string }
  | { part: 'roleRenamed'; from: string; to: string }
  | { part: 'holders'; role: string; from: string[]; to: string[] }
  | { part: 'deputy'; role: string; from: string | null; to: string | null }
  | { part: 'criteria'; level: Level; from: string; to: string }
  | { part: 'stepAdded' | 'stepRemoved'; level: Level; step: number; role: string; action: string }
  | { part: 'stepChanged'; level: Level; step: number; from: StepWords; to: StepWords }
  | { part: 'supply'; item: string; from: number; to: number }

/** A step as a reader tells it: who, does what, within how many minutes. */
export interface StepWords {
  role: string
  action: string
  minutes: number
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((one, index) => one === b[index])

/** The changes from `before` to `after`, in the plan's order: heading, organisation,
 *  procedures by grade, safeguards. Role names are the titles the version gives them. */
export function planChanges(before: PlanDocument, after: PlanDocument): PlanChange[] {
  const changes: PlanChange[] = []
  const text = (part: 'title' | 'scope' | 'kind' | 'notes', from: string, to: string) => {
    if (from !== to) changes.push({ part, from, to })
  }
  text('title', before.title, after.title)
  text('kind', before.kind, after.kind)
  const typesBefore = before.incident_types ?? []
  const typesAfter = after.incident_types ?? []
  const typesAdded = typesAfter.filter((code) => !typesBefore.includes(code))
  const typesRemoved = typesBefore.filter((code) => !typesAfter.includes(code))
  if (typesAdded.length || typesRemoved.length) changes.push({ part: 'incidentTypes', added: typesAdded, removed: typesRemoved })
  text('scope', before.scope ?? '', after.scope ?? '')
  const intervalBefore = String(before.drill_interval_months ?? 12)
  const intervalAfter = String(after.drill_interval_months ?? 12)
  if (intervalBefore !== intervalAfter) changes.push({ part: 'drillInterval', from: intervalBefore, to: intervalAfter })

  const rolesBefore = new Map((before.organization ?? []).map((role) => [role.role, role]))
  const rolesAfter = new Map((after.organization ?? []).map((role) => [role.role, role]))
  const titleOf = (code: string) => rolesAfter.get(code)?.title ?? rolesBefore.get(code)?.title ?? code
  for (const [code, role] of rolesAfter) {
    const old = rolesBefore.get(code)
    if (!old) {
      changes.push({ part: 'roleAdded', role: role.title })
      continue
    }
    if (old.title !== role.title) changes.push({ part: 'roleRenamed', from: old.title, to: role.title })
    if (!sameList(old.holders ?? [], role.holders ?? [])) changes.push({ part: 'holders', role: role.title, from: old.holders ?? [], to: role.holders ?? [] })
    if ((old.deputy ?? null) !== (role.deputy ?? null)) changes.push({ part: 'deputy', role: role.title, from: old.deputy ?? null, to: role.deputy ?? null })
  }
  for (const [code, role] of rolesBefore) if (!rolesAfter.has(code)) changes.push({ part: 'roleRemoved', role: role.title })

  for (const level of LEVELS) {
    const criteriaOf = (plan: PlanDocument) => plan.activation_criteria?.find((one) => one.level === level)?.criteria ?? ''
    if (criteriaOf(before) !== criteriaOf(after)) changes.push({ part: 'criteria', level, from: criteriaOf(before), to: criteriaOf(after) })
    const stepsOf = (plan: PlanDocument) => new Map((plan.procedures ?? []).filter((step) => step.level === level).map((step) => [step.step, step]))
    const stepsBefore = stepsOf(before)
    const stepsAfter = stepsOf(after)
    const numbers = [...new Set([...stepsBefore.keys(), ...stepsAfter.keys()])].sort((a, b) => a - b)
    for (const number of numbers) {
      const old = stepsBefore.get(number)
      const now = stepsAfter.get(number)
      if (old && now) {
        const wordsOld = { role: titleOf(old.role), action: old.action, minutes: old.within_minutes }
        const wordsNow = { role: titleOf(now.role), action: now.action, minutes: now.within_minutes }
        if (JSON.stringify(wordsOld) !== JSON.stringify(wordsNow)) {
          changes.push({ part: 'stepChanged', level, step: number, from: wordsOld, to: wordsNow })
        }
      } else if (now) {
        changes.push({ part: 'stepAdded', level, step: number, role: titleOf(now.role), action: now.action })
      } else if (old) {
        changes.push({ part: 'stepRemoved', level, step: number, role: titleOf(old.role), action: old.action })
      }
    }
  }

  const suppliesOf = (plan: PlanDocument) => new Map((plan.safeguards?.supplies ?? []).map((need) => [need.item_code, need.quantity]))
  const suppliesBefore = suppliesOf(before)
  const suppliesAfter = suppliesOf(after)
  for (const item of new Set([...suppliesBefore.keys(), ...suppliesAfter.keys()])) {
    const from = suppliesBefore.get(item) ?? 0
    const to = suppliesAfter.get(item) ?? 0
    if (from !== to) changes.push({ part: 'supply', item, from, to })
  }
  const teamsBefore = (before.safeguards?.teams ?? []).join('、')
  const teamsAfter = (after.safeguards?.teams ?? []).join('、')
  if (teamsBefore !== teamsAfter) changes.push({ part: 'teams', from: teamsBefore, to: teamsAfter })
  text('notes', before.safeguards?.notes ?? '', after.safeguards?.notes ?? '')
  return changes
}
