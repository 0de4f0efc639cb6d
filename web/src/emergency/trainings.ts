// A training's attendance: each department it was for, with how many of its people took
// part (none when it sent nobody), then any department that came without being asked.
import type { components } from '@/api/schema'

export type Training = components['schemas']['TrainingRead']

export interface Attendance {
  department: string
  people: number
  /** it was one the training was for */
  invited: boolean
}

export function attendanceOf(training: Pick<Training, 'audience_departments' | 'participants'>): Attendance[] {
  const came = new Map((training.participants ?? []).map((p) => [p.department, p.people]))
  const invited = training.audience_departments.map((department) => ({ department, people: came.get(department) ?? 0, invited: true }))
  const uninvited = [...came]
    .filter(([department]) => !training.audience_departments.includes(department))
    .map(([department, people]) => ({ department, people, invited: false }))
  return [...invited, ...uninvited]
}

/** How many took part in all. */
export const peopleIn = (attendance: readonly Attendance[]) => attendance.reduce((sum, row) => sum + row.people, 0)
