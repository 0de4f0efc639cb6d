import { describe, expect, it } from 'vitest'
import { yearsOffered } from '@/ledger/years'

describe('yearsOffered', () => {
  it('offers this year and the two before, and the next where work is planned ahead', () => {
    expect(yearsOffered(2026, false)).toEqual([2026, 2025, 2024])
    expect(yearsOffered(2026, true)).toEqual([2027, 2026, 2025, 2024])
  })
})
