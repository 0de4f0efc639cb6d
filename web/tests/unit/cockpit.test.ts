import { describe, expect, it } from 'vitest'
import { daysSince, reportCounts, ticketFigures, trendOf, yearToDate } from '@/cockpit/figures'
import { ledgerLines } from '@/cockpit/ledgerLines'

describe('yearToDate', () => {
  it('compares this year so far with the same days of last year', () => {
    expect(yearToDate('2026-12-07')).toEqual({
      current: { from: '2026-01-01', to: '2026-12-07' },
      previous: { from: '2025-01-01', to: '2025-12-07' },
    })
  })

  it('stops last year on 28 February when this year reached a 29th', () => {
    expect(yearToDate('2028-02-29').previous).toEqual({ from: '2027-01-01', to: '2027-02-28' })
  })
})

describe('trendOf', () => {
  it('gives the change in percent of last year for a count', () => {
    expect(trendOf(120, 100)).toEqual({ direction: 'up', change: 20 })
    expect(trendOf(75, 100)).toEqual({ direction: 'down', change: -25 })
    expect(trendOf(100, 100)).toEqual({ direction: 'same', change: 0 })
  })

  it('gives the change in points for a rate', () => {
    expect(trendOf(91.5, 88, true)).toEqual({ direction: 'up', change: 3.5 })
  })

  it('has no percentage of nothing, and no trend without both figures', () => {
    expect(trendOf(5, 0)).toEqual({ direction: 'up', change: null })
    expect(trendOf(5, null)).toBeNull()
    expect(trendOf(null, 3)).toBeNull()
  })
})

describe('ticketFigures', () => {
  const row = (tickets: number, resolved: number, met: number) => ({ tickets, resolved, sla_met: met })

  it('sums the departments: the rate is of all judged tickets, not a mean of rates', () => {
    const report = { items: [row(10, 10, 9), row(90, 10, 1)] } as unknown as Parameters<typeof reportCounts>[0]
    expect(reportCounts(report)).toEqual({ tickets: 100, resolved: 20, sla_met: 10 })
    expect(ticketFigures(reportCounts(report))).toEqual({ tickets: 100, slaCompliancePercent: 50 })
  })

  it('has no rate when nothing was judged', () => {
    expect(ticketFigures(row(4, 0, 0))).toEqual({ tickets: 4, slaCompliancePercent: null })
  })
})

describe('daysSince', () => {
  it('counts whole days, a time of day ignored', () => {
    expect(daysSince('2026-11-30', '2026-12-07')).toBe(7)
    expect(daysSince('2026-12-07T09:30:00+08:00', '2026-12-07')).toBe(0)
  })
})

describe('ledgerLines', () => {
  const item = (id: string) => ({ id, plan_id: 'p', title: `事项${id}`, department: '综合处', owner_id: 'o', deadline: '2026-01-02', progress: 10, status: 'open' })
  const exception = (id: string, reason: 'overdue' | 'stalled' | 'behind', interventions = 0) =>
    ({
      id: `${id}-${reason}`,
      item: item(id),
      reason,
      reason_label: reason,
      since: '2026-01-03',
      raised_at: '2026-01-03T00:00:00Z',
      detail: {},
      open_interventions: Array.from({ length: interventions }, () => ({})),
    }) as unknown as Parameters<typeof ledgerLines>[0][number]

  it('gives an item one line with all its reasons, in the order the worst came', () => {
    const lines = ledgerLines([exception('a', 'overdue'), exception('b', 'overdue', 1), exception('a', 'stalled')])
    expect(lines.map((line) => [line.item.id, line.reasons.map((reason) => reason.reason), line.intervened])).toEqual([
      ['a', ['overdue', 'stalled'], false],
      ['b', ['overdue'], true],
    ])
  })
})
