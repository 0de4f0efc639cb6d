// A calendar's working hours as the page edits them, their rules, and the bodies sent to
// ticket-svc (calendars/models.py): periods "08:30"–"12:00" that start before they end and
// do not overlap; dated exceptions that replace a day's hours (none: a holiday).
import type { components } from '@/api/schema'

export type Weekday = components['schemas']['Weekday']
export type CalendarRead = components['schemas']['CalendarRead']
export type CalendarCreate = components['schemas']['CalendarCreate']
export type CalendarUpdate = components['schemas']['CalendarUpdate']
export type ExceptionIn = components['schemas']['ExceptionIn']
export type ExceptionRead = components['schemas']['ExceptionRead']
type PeriodIn = components['schemas']['PeriodIn-Input']

/** Monday first, as the bureau's week and `date.weekday()` count. */
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

/** A period as the form holds it: "HH:MM" text, empty while not chosen. */
export interface PeriodForm {
  start: string
  end: string
}

export type WeeklyForm = Record<Weekday, PeriodForm[]>

/** Office hours of a new calendar: mornings and afternoons, Monday to Friday. */
export function defaultWeeklyForm(): WeeklyForm {
  const day = (): PeriodForm[] => [
    { start: '08:30', end: '12:00' },
    { start: '14:30', end: '17:30' },
  ]
  return { mon: day(), tue: day(), wed: day(), thu: day(), fri: day(), sat: [], sun: [] }
}

/** Minutes after midnight of "8:30", "08:30" or "08:30:00"; null when not a time of day. */
export function clockMinutes(text: string): number | null {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim())
  if (!match) return null
  const hours = Number(match[1])
  const minutes = Number(match[2])
  const seconds = Number(match[3] ?? 0)
  if (hours > 23 || minutes > 59 || seconds > 59) return null
  return hours * 60 + minutes + seconds / 60
}

/** "08:30:00" → "08:30" (the page shows and sends hours and minutes). */
export function shortClock(text: string): string {
  const minutes = clockMinutes(text)
  if (minutes === null) return text
  const whole = Math.floor(minutes)
  return `${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`
}

export interface PeriodProblem {
  index: number
  /** message key of admin.ts */
  problem: string
}

/** What is wrong with one day's periods: each period's first problem, by its place. */
export function periodProblems(periods: readonly PeriodForm[]): PeriodProblem[] {
  const problems: PeriodProblem[] = []
  const valid: { index: number; start: number; end: number }[] = []
  periods.forEach((period, index) => {
    const start = clockMinutes(period.start)
    const end = clockMinutes(period.end)
    if (start === null || end === null) {
      problems.push({ index, problem: 'admin.calendars.rules.timeMissing' })
    } else if (start >= end) {
      problems.push({ index, problem: 'admin.calendars.rules.startBeforeEnd' })
    } else {
      valid.push({ index, start, end })
    }
  })
  // Touching ends are fine (12:00–12:00); a later period starting before the one before
  // it has ended is not.
  const ordered = [...valid].sort((a, b) => a.start - b.start)
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i]!.start < ordered[i - 1]!.end) {
      problems.push({ index: ordered[i]!.index, problem: 'admin.calendars.rules.overlap' })
    }
  }
  return problems.sort((a, b) => a.index - b.index)
}

/** Whether the week has a problem anywhere, or no working time at all (the API refuses both). */
export function weeklyProblems(form: WeeklyForm): { days: Partial<Record<Weekday, PeriodProblem[]>>; noWorkingTime: boolean } {
  const days: Partial<Record<Weekday, PeriodProblem[]>> = {}
  for (const day of WEEKDAYS) {
    const problems = periodProblems(form[day])
    if (problems.length) days[day] = problems
  }
  return { days, noWorkingTime: WEEKDAYS.every((day) => form[day].length === 0) }
}

export function hasWeeklyProblems(form: WeeklyForm): boolean {
  const { days, noWorkingTime } = weeklyProblems(form)
  return noWorkingTime || Object.keys(days).length > 0
}

function sortedPeriods(periods: readonly PeriodForm[]): PeriodIn[] {
  return [...periods]
    .sort((a, b) => (clockMinutes(a.start) ?? 0) - (clockMinutes(b.start) ?? 0))
    .map((period) => ({ start: shortClock(period.start), end: shortClock(period.end) }))
}

/** The week as the API takes it: each working weekday with its periods, in time order. */
export function weeklyHoursBody(form: WeeklyForm): Record<string, PeriodIn[]> {
  const body: Record<string, PeriodIn[]> = {}
  for (const day of WEEKDAYS) {
    if (form[day].length) body[day] = sortedPeriods(form[day])
  }
  return body
}

/** The week of a calendar, every weekday present (a day left out does not work). */
export function weeklyFormOf(hours: CalendarRead['weekly_hours']): WeeklyForm {
  const form = {} as WeeklyForm
  for (const day of WEEKDAYS) {
    form[day] = (hours[day] ?? []).map((period) => ({ start: shortClock(period.start), end: shortClock(period.end) }))
  }
  return form
}

/** Working minutes of a day's periods. */
export function dayMinutes(periods: readonly { start: string; end: string }[]): number {
  return periods.reduce((sum, period) => {
    const start = clockMinutes(period.start)
    const end = clockMinutes(period.end)
    return start !== null && end !== null && end > start ? sum + (end - start) : sum
  }, 0)
}

/** The length of the calendar's usual working day (the most common one), or null. */
export function usualWorkdayMinutes(hours: CalendarRead['weekly_hours']): number | null {
  const counts = new Map<number, number>()
  for (const day of WEEKDAYS) {
    const minutes = dayMinutes(hours[day] ?? [])
    if (minutes > 0) counts.set(minutes, (counts.get(minutes) ?? 0) + 1)
  }
  let best: number | null = null
  for (const [minutes, count] of counts) {
    if (best === null || count > counts.get(best)!) best = minutes
  }
  return best
}

/** The weekday of an ISO date ("2026-10-10" → "sat"), whatever the browser's zone. */
export function weekdayOf(isoDate: string): Weekday {
  const day = new Date(`${isoDate}T00:00:00Z`).getUTCDay() // Sunday 0
  return WEEKDAYS[(day + 6) % 7]!
}

/**
 * What a dated exception does to its day, against the calendar's usual week:
 * `holiday` 放假 (a usual working day without hours), `workday` 调休上班 (a usual day off
 * with hours), `hours` other hours than usual, `usual` the same as the week says (an
 * exception put back to the usual hours: the API keeps dated exceptions, it deletes none).
 */
export type ExceptionKind = 'holiday' | 'workday' | 'hours' | 'usual'

function samePeriods(a: readonly { start: string; end: string }[], b: readonly { start: string; end: string }[]): boolean {
  const key = (periods: readonly { start: string; end: string }[]) =>
    sortedPeriods(periods)
      .map((period) => `${period.start}-${period.end}`)
      .join(',')
  return key(a) === key(b)
}

export function exceptionKind(exception: ExceptionRead, hours: CalendarRead['weekly_hours']): ExceptionKind {
  const usual = hours[weekdayOf(exception.date)] ?? []
  if (samePeriods(exception.periods, usual)) return 'usual'
  if (exception.periods.length === 0) return 'holiday'
  if (usual.length === 0) return 'workday'
  return 'hours'
}

/** What the page asks when an exception is added. */
export interface ExceptionForm {
  date: string
  /** holiday: no hours that day; workday: the hours below */
  kind: 'holiday' | 'workday'
  periods: PeriodForm[]
  note: string
}

export function emptyExceptionForm(hours: CalendarRead['weekly_hours']): ExceptionForm {
  const usual = WEEKDAYS.map((day) => hours[day] ?? []).find((periods) => periods.length > 0) ?? []
  return {
    date: '',
    kind: 'holiday',
    periods: usual.map((period) => ({ start: shortClock(period.start), end: shortClock(period.end) })),
    note: '',
  }
}

/** Why the exception cannot be sent (message keys), by field; empty when it can. */
export function exceptionProblems(form: ExceptionForm): { date?: string; periods?: PeriodProblem[] } {
  const problems: { date?: string; periods?: PeriodProblem[] } = {}
  if (!/^\d{4}-\d{2}-\d{2}$/.test(form.date)) problems.date = 'admin.calendars.rules.dateRequired'
  if (form.kind === 'workday') {
    const periods = form.periods.length
      ? periodProblems(form.periods)
      : [{ index: 0, problem: 'admin.calendars.rules.workdayNeedsHours' }]
    if (periods.length) problems.periods = periods
  }
  return problems
}

export function exceptionBody(form: ExceptionForm): ExceptionIn {
  const note = form.note.trim()
  return {
    date: form.date,
    periods: form.kind === 'holiday' ? [] : sortedPeriods(form.periods),
    note: note === '' ? null : note,
  }
}

/** The exception that puts a date back to the week's usual hours (the API deletes none). */
export function usualHoursBody(date: string, hours: CalendarRead['weekly_hours']): ExceptionIn {
  return { date, periods: sortedPeriods(hours[weekdayOf(date)] ?? []), note: null }
}
