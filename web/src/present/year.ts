// The bureau's year as the presentation shows it (年度工作汇报): figures drawn from the
// reports, apart from the page so that they can be tested without a browser.
import { bureauDate } from '@/api/bureauDate'
import type { components } from '@/api/schema'

type DepartmentRow = components['schemas']['DepartmentRow']
type Drill = components['schemas']['DrillSummary']

/** The year a presentation is asked for (`?year=`), else this one: a bureau year is 2000 or
 *  later, never beyond this one. */
export function presentedYear(asked: unknown, today: string): number {
  const thisYear = Number(today.slice(0, 4))
  const year = typeof asked === 'string' && /^\d{4}$/.test(asked) ? Number(asked) : thisYear
  return year >= 2000 && year <= thisYear ? year : thisYear
}

/** The year's days up to `today`: a past year whole, this one so far. */
export function daysOfYear(year: number, today: string): { from: string; to: string } {
  return { from: `${year}-01-01`, to: today.startsWith(`${year}-`) ? today : `${year}-12-31` }
}

/** Departments with tickets, busiest first: the slides' bars run down the page in that order. */
export function busiestFirst(rows: readonly DepartmentRow[]): DepartmentRow[] {
  return rows.filter((row) => row.tickets > 0).sort((a, b) => b.tickets - a.tickets || a.department.localeCompare(b.department))
}

/** The bureau's year a drill counts in: the one it was held in, else the one it is planned for. */
function yearOf(drill: Drill): number {
  return drill.year ?? Number(bureauDate(new Date(drill.scheduled_at)).slice(0, 4))
}

/** The year's drills, how many of them were held, and their mean score. */
export function drillsOfYear(drills: readonly Drill[], year: number): { drills: Drill[]; held: number; meanScore: number | null } {
  const ofYear = drills.filter((drill) => yearOf(drill) === year)
  const scores = ofYear.map((drill) => drill.score).filter((score): score is number => score !== null)
  return {
    drills: ofYear,
    held: ofYear.filter((drill) => drill.held_at !== null).length,
    meanScore: scores.length ? Math.round((scores.reduce((sum, score) => sum + score, 0) / scores.length) * 10) / 10 : null,
  }
}
