// The promised time limits of a commitment, as a person reads them on the board.
// Commitments count working time only (the business calendar's hours), so the words
// say 工作小时, never plain hours or days: a working day's length depends on the calendar.

/** A span of working time as the message that says it, with its parameters. */
export type WorkingSpan =
  | { key: 'hours'; hours: number }
  | { key: 'minutes'; minutes: number }
  | { key: 'hoursMinutes'; hours: number; minutes: number }

/**
 * A response limit in working minutes (`response_minutes`), in the largest whole unit. (The
 * resolution limit, `resolve_hours`, is whole working hours already.)
 */
export function responseSpan(minutes: number): WorkingSpan {
  const hours = Math.floor(minutes / 60)
  const rest = minutes % 60
  if (hours === 0) return { key: 'minutes', minutes: rest }
  if (rest === 0) return { key: 'hours', hours }
  return { key: 'hoursMinutes', hours, minutes: rest }
}
