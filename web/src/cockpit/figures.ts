// The cockpit's figures: what the leadership is shown at the top, and how each compares
// with the same stretch of last year (the bureau's year runs from 1 January, Beijing time).
import type { components } from '@/api/schema'

type DepartmentReport = components['schemas']['DepartmentReport']
/** What a period's figures are made of: the report totals' counts, or one report row's. */
type TicketCounts = Pick<components['schemas']['ReportTotals'], 'tickets' | 'resolved' | 'sla_met'>

/** A stretch of days, both ends included (YYYY-MM-DD), as the reports take them. */
export interface Period {
  from: string
  to: string
}

/** This year up to `today`, and last year's same days: 1 January to the same date (28
 *  February standing in for a 29th that last year did not have). */
export function yearToDate(today: string): { current: Period; previous: Period } {
  const [year, month, day] = today.split('-').map(Number)
  const lastYear = year - 1
  const lastDay = Math.min(day, daysInMonth(lastYear, month))
  return {
    current: { from: `${year}-01-01`, to: today },
    previous: { from: `${lastYear}-01-01`, to: `${lastYear}-${pad(month)}-${pad(lastDay)}` },
  }
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function pad(value: number): string {
  return String(value).padStart(2, '0')
}

export type Direction = 'up' | 'down' | 'same'

/** How a figure moved against last year's: `null` when there is nothing to compare with. */
export interface Trend {
  direction: Direction
  /** the change in percent of last year's figure, or in points for a rate; null when last
   *  year's was 0 (no percentage of nothing) */
  change: number | null
}

export function trendOf(current: number | null, previous: number | null, isRate = false): Trend | null {
  if (current === null || previous === null) return null
  const direction: Direction = current > previous ? 'up' : current < previous ? 'down' : 'same'
  if (isRate) return { direction, change: round(current - previous) }
  return { direction, change: previous === 0 ? null : round(((current - previous) / previous) * 100) }
}

function round(value: number): number {
  return Math.round(value * 10) / 10
}

/** The bureau's tickets in a period: how many were opened, and the share of those judged
 *  (resolved or closed) that met their SLA — summed over the departments, not averaged. */
export interface TicketFigures {
  tickets: number
  slaCompliancePercent: number | null
}

export function ticketFigures({ tickets, resolved, sla_met }: TicketCounts): TicketFigures {
  return { tickets, slaCompliancePercent: resolved === 0 ? null : round((sla_met / resolved) * 100) }
}

/** A department report's rows counted together, as `GET reports/totals` counts them. */
export function reportCounts(report: DepartmentReport): TicketCounts {
  return {
    tickets: report.items.reduce((sum, row) => sum + row.tickets, 0),
    resolved: report.items.reduce((sum, row) => sum + row.resolved, 0),
    sla_met: report.items.reduce((sum, row) => sum + row.sla_met, 0),
  }
}

/** Whole days from `since` to `today` (both YYYY-MM-DD): how long a thing has waited. */
export function daysSince(since: string, today: string): number {
  return Math.round((Date.parse(today) - Date.parse(since.slice(0, 10))) / 86_400_000)
}
