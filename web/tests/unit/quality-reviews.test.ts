import { describe, expect, it } from 'vitest'
import { ApiError } from '@/api/problems'
import { mayMakeReviews, mayRunReview, mayVerifyOutput, objectiveCounts, reviewInWords } from '@/quality/reviews'

const OFFICE = '质量管理办公室'
const keeper = { id: 'k', roles: ['agent'], department: OFFICE }
const chair = { id: 'c', roles: ['dept_head'], department: '办公室' }
const other = { id: 'o', roles: ['agent'], department: '后勤处' }

describe('management reviews', () => {
  it('are made by a leader or the keepers, and run by them or the chair', () => {
    expect(mayMakeReviews(keeper, OFFICE)).toBe(true)
    expect(mayMakeReviews({ id: 'l', roles: ['leader'], department: null }, OFFICE)).toBe(true)
    expect(mayMakeReviews(chair, OFFICE)).toBe(false)
    expect(mayRunReview({ chair_id: 'c' }, chair, OFFICE)).toBe(true)
    expect(mayRunReview({ chair_id: 'c' }, other, OFFICE)).toBe(false)
  })

  it('never lets an action’s owner verify it', () => {
    expect(mayVerifyOutput({ owner_id: 'k' }, { chair_id: 'c' }, keeper, OFFICE)).toBe(false)
    expect(mayVerifyOutput({ owner_id: 'x' }, { chair_id: 'c' }, keeper, OFFICE)).toBe(true)
    expect(mayVerifyOutput({ owner_id: null }, { chair_id: 'c' }, chair, OFFICE)).toBe(true)
  })

  it('counts the objectives met, missed and not judged', () => {
    expect(objectiveCounts([{ met: true }, { met: false }, { met: null }, { met: true }])).toEqual({ met: 2, missed: 1, none: 1 })
  })

  it('says a refusal’s rule in words before ledger-svc’s', () => {
    const said = reviewInWords(new ApiError({ status: 409, detail: '1 output(s) not verified yet', rule: 'every-output-verified' })) as ApiError
    expect(said.detail).toBe('还有评审输出未验证，全部验证后才能关闭评审（1 output(s) not verified yet）')
  })
})
