// A commitment's time limits as people say them ("30 分钟", "2 小时") and as ticket-svc
// keeps them (response_minutes, resolve_hours: working time on the commitment's calendar).

/** ticket-svc's bounds (commitments/models.py). */
export const MAX_RESPONSE_MINUTES = 60 * 24 * 365
export const MAX_RESOLVE_HOURS = 24 * 365

export type ResponseUnit = 'minutes' | 'hours'

export interface ResponseLimit {
  amount: number | null
  unit: ResponseUnit
}

/** The friendliest way to say a response limit: whole hours as hours, else minutes. */
export function responseLimitOf(minutes: number): ResponseLimit {
  return minutes % 60 === 0 ? { amount: minutes / 60, unit: 'hours' } : { amount: minutes, unit: 'minutes' }
}

/**
 * The minutes a response limit stands for, or the message key of why it cannot be taken:
 * it must be a positive whole number of minutes (half an hour is fine, 0.3 hour is not).
 */
export function responseMinutesOf(limit: ResponseLimit): { minutes: number } | { problem: string } {
  if (limit.amount === null || !Number.isFinite(limit.amount) || limit.amount <= 0) {
    return { problem: 'admin.commitments.rules.positive' }
  }
  const minutes = limit.unit === 'hours' ? limit.amount * 60 : limit.amount
  if (!Number.isInteger(Math.round(minutes * 1e9) / 1e9)) return { problem: 'admin.commitments.rules.wholeMinutes' }
  const whole = Math.round(minutes)
  if (whole > MAX_RESPONSE_MINUTES) return { problem: 'admin.commitments.rules.tooLong' }
  return { minutes: whole }
}

/** Why a resolve limit in hours cannot be taken (message key), or null. */
export function resolveHoursProblem(hours: number | null): string | null {
  if (hours === null || !Number.isFinite(hours) || hours <= 0) return 'admin.commitments.rules.positive'
  if (!Number.isInteger(hours)) return 'admin.commitments.rules.wholeHours'
  if (hours > MAX_RESOLVE_HOURS) return 'admin.commitments.rules.tooLong'
  return null
}

/** Minutes as whole hours and the minutes left over, for "1 小时 30 分钟". */
export function hoursAndMinutes(minutes: number): { hours: number; minutes: number } {
  return { hours: Math.floor(minutes / 60), minutes: minutes % 60 }
}

/**
 * About how many working days `hours` of working time last on a calendar working
 * `workdayMinutes` a day (one decimal), or null when the calendar's day is unknown.
 */
export function workdaysOf(hours: number, workdayMinutes: number | null): number | null {
  if (!workdayMinutes) return null
  return Math.round(((hours * 60) / workdayMinutes) * 10) / 10
}
