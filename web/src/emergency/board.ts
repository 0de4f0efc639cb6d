// What the incident board makes of the tasks: grouped by the plan's role, and for each task
// still waiting for its acknowledgement the time left before it passes to the deputy.
import type { components } from '@/api/schema'

export type Task = components['schemas']['TaskRead']

export interface RoleTasks {
  role: string
  title: string
  tasks: Task[]
}

/** The tasks by role, roles in the order of their first step, each role's tasks by level
 *  (gravest response first) and step. */
export function tasksByRole(tasks: readonly Task[]): RoleTasks[] {
  const ordered = [...tasks].sort((a, b) => a.step - b.step || a.level.localeCompare(b.level))
  const groups = new Map<string, RoleTasks>()
  for (const task of ordered) {
    const group = groups.get(task.role) ?? { role: task.role, title: task.role_title || task.role, tasks: [] }
    group.tasks.push(task)
    groups.set(task.role, group)
  }
  return [...groups.values()]
}

/** Milliseconds left for the assignee to acknowledge before the task passes to the deputy
 *  (never below 0), or null when no such clock runs: acknowledged, done, or unassigned. */
export function msToDeputy(task: Pick<Task, 'status' | 'ack_due_at'>, now: Date): number | null {
  if (task.status !== 'assigned' || !task.ack_due_at) return null
  return Math.max(0, Date.parse(task.ack_due_at) - now.getTime())
}

/** `m:ss` under an hour, `h:mm:ss` beyond (whole seconds, rounded up so 0:00 means due). */
export function countdownText(ms: number): string {
  const seconds = Math.ceil(ms / 1000)
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = String(seconds % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

export type Report = components['schemas']['IncidentReportRead']

/** The report upward owed next: the earliest due one nobody has submitted or cancelled. */
export function nextReportDue(reports: readonly Report[]): Report | null {
  const owed = reports.filter((report) => !report.submitted_at && !report.cancelled_at && report.due_at)
  owed.sort((a, b) => Date.parse(a.due_at!) - Date.parse(b.due_at!))
  return owed[0] ?? null
}

/** Why the task went to whom it did, when the plan's holder is not the one doing it:
 *  the holder was marked out of reach (the deputy stands in), the role has no holder, or
 *  nobody could take it. Null for a task given to its holder. */
export function whyAssigned(task: Pick<Task, 'assigned_because'>): 'deputyForAway' | 'deputyForNoHolder' | 'nobodyAvailable' | null {
  switch (task.assigned_because) {
    case 'deputy_for_unavailable_holder':
      return 'deputyForAway'
    case 'deputy_for_missing_holder':
      return 'deputyForNoHolder'
    case 'nobody_available':
      return 'nobodyAvailable'
    default:
      return null
  }
}

export type Line = components['schemas']['TimelineEntryRead']

/** Who made a timeline line, as far as the reader is told: a person (their id), the
 *  service itself (no actor), or nobody said — the unit view withholds who did it, and
 *  that is not to be shown as the system. */
export function lineActor(line: Pick<Line, 'actor' | 'withheld'>): { person: string } | 'system' | 'withheld' {
  if (line.actor) return { person: line.actor }
  return line.withheld?.includes('actor') ? 'withheld' : 'system'
}
