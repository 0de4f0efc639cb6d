import { describe, expect, it } from 'vitest'
import { campaignTag, turnout } from '@/ledger/campaigns'

describe('campaigns', () => {
  it('are tagged by where they stand, closed above all', () => {
    expect(campaignTag({ status: 'running', closed_at: null })).toBe('success')
    expect(campaignTag({ status: 'finished', closed_at: null })).toBe('warning')
    expect(campaignTag({ status: 'finished', closed_at: '2026-07-01T00:00:00Z' })).toBe('info')
  })

  it('count each department once and every person of every activity', () => {
    const activities = [
      { participants: [{ department: '综合处', people: 12 }, { department: '财务处', people: 5 }] },
      { participants: [{ department: '综合处', people: 3 }] },
    ]
    expect(turnout(activities)).toEqual({ departments: 2, people: 20 })
    expect(turnout([])).toEqual({ departments: 0, people: 0 })
  })
})
