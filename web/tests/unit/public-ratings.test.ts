import { describe, expect, it } from 'vitest'
import {
  chartRows,
  commentToSend,
  formatMean,
  SCORES,
  stateOfInvitation,
  stateOfRefusal,
  type Refusal,
} from '@/public/ratings'

const invitation = { title: '空调维修', department: '物业管理处', resolved_on: '2026-12-04' }

function refusal(status: number, extra: Partial<Refusal> = {}): Refusal {
  return { status, errors: [], ...extra }
}

describe('rating one ticket', () => {
  it('offers the five scores best first', () => {
    expect(SCORES).toEqual([5, 4, 3, 2, 1])
  })

  it('opens the form for a code that may be used', () => {
    expect(stateOfInvitation({ ...invitation, rated: false, can_rate: true })).toBe('open')
  })

  it('says a rated ticket is rated', () => {
    expect(stateOfInvitation({ ...invitation, rated: true, can_rate: false })).toBe('rated')
  })

  it('says a ticket being worked on again is to be rated later', () => {
    expect(stateOfInvitation({ ...invitation, rated: false, can_rate: false })).toBe('notRateable')
  })

  it('reads the refusals ticket-svc gives', () => {
    expect(stateOfRefusal(refusal(404))).toBe('unknown')
    expect(stateOfRefusal(refusal(422, { errors: [{ pointer: '#/code', detail: 'no ticket' }] }))).toBe('unknown')
    expect(stateOfRefusal(refusal(409, { rule: 'one-rating-per-ticket' }))).toBe('rated')
    expect(stateOfRefusal(refusal(409, { rule: 'rate-after-service' }))).toBe('notRateable')
    expect(stateOfRefusal(refusal(429))).toBe('tooMany')
    expect(stateOfRefusal(refusal(0))).toBe('unreachable')
    expect(stateOfRefusal(refusal(503))).toBe('unreachable')
  })

  it('keeps the form for a refusal of what was typed', () => {
    expect(stateOfRefusal(refusal(422, { errors: [{ pointer: '#/comment', detail: 'too long' }] }))).toBeNull()
  })

  it('sends a blank comment as none, and a comment trimmed', () => {
    expect(commentToSend('  \n ')).toBeUndefined()
    expect(commentToSend('  很及时 ')).toBe('很及时')
  })
})

describe('the public summary', () => {
  it('shows a mean with one decimal, and a dash for none', () => {
    expect(formatMean(4.25)).toBe('4.3')
    expect(formatMean(null)).toBe('—')
  })

  it('draws the best department at the top of the bar chart', () => {
    const rows = chartRows([
      { department: '甲', count: 9, mean: 4.8, smoothed_mean: 4.612 },
      { department: '乙', count: 5, mean: 3.2, smoothed_mean: 3.6 },
    ])
    expect(rows).toEqual({ names: ['乙', '甲'], means: [3.6, 4.61], counts: [5, 9] })
  })
})
