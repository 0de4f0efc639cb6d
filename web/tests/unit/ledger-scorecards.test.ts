import { describe, expect, it } from 'vitest'
import { FIGURES, subjectRoute, type Scorecard } from '@/ledger/scorecards'

const CARD: Scorecard = {
  department: '综合处',
  year: 2026,
  items_completed: 4,
  items_on_time: 3,
  on_time_rate_percent: 75,
  tickets_closed: 10,
  tickets_sla_met: 9,
  sla_compliance_percent: 90,
  sla_breaches: 2,
  mean_rating: 4.5,
  ratings: 6,
  accountability: { rewards: 1, penalties: 2, exempted: 1, reward_points: 5, penalty_points: 0, points: 5 },
  drills: 3,
}

function shown(card: Scorecard): Record<string, string> {
  return Object.fromEntries(FIGURES.map((figure) => [figure.key, figure.text(card)]))
}

describe('a scorecard figures', () => {
  it('shows each count with its rate, mean or points', () => {
    expect(shown(CARD)).toEqual({
      itemsCompleted: '4',
      itemsOnTime: '3（75%）',
      ticketsClosed: '10',
      slaMet: '9（90%）',
      slaBreaches: '2',
      rating: '4.50（6）',
      rewards: '1（+5）',
      penalties: '2',
      exempted: '1',
      drills: '3',
    })
  })

  it('shows a dash where there is nothing to divide by', () => {
    const empty = shown({ ...CARD, on_time_rate_percent: null, sla_compliance_percent: null, mean_rating: null })
    expect([empty.itemsOnTime, empty.slaMet, empty.rating]).toEqual(['3（—）', '9（—）', '—'])
  })

  it('gives every figure its own measure', () => {
    expect(new Set(FIGURES.map((figure) => figure.measure)).size).toBe(FIGURES.length)
  })
})

describe('subjectRoute', () => {
  it('opens a ledger item or a ticket, and nothing for records and drills', () => {
    expect(subjectRoute({ measure: 'item_on_time', subject: 'i1' })).toEqual({ name: 'ledgerItem', params: { id: 'i1' } })
    expect(subjectRoute({ measure: 'sla_breach', subject: 't1' })).toEqual({ name: 'ticket', params: { id: 't1' } })
    expect(subjectRoute({ measure: 'ticket_rating', subject: 't1' })).toEqual({ name: 'ticket', params: { id: 't1' } })
    expect(subjectRoute({ measure: 'accountability_reward', subject: 'r1' })).toBeNull()
    expect(subjectRoute({ measure: 'drill_participation', subject: 'd1' })).toBeNull()
  })
})
