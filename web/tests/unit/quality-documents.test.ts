import { describe, expect, it } from 'vitest'
import { approvalState, diffCounts, diffLines, mayDecide, mayDraft, revisionOnItsWay, revisionShownFirst, type Approval, type RevisionHeading } from '@/quality/documents'

const heading = (number: number, status: RevisionHeading['status']) => ({ number, status }) as RevisionHeading

describe('diffLines', () => {
  it('reads ledger-svc\'s unified diff line by line, numbering each side', () => {
    const lines = diffLines([
      '--- GJ-1 revision 1',
      '+++ GJ-1 revision 2',
      '@@ -1,4 +1,5 @@',
      ' 第一条 总则',
      '-第二条 申请',
      '+第二条 网上申请',
      ' 第三条 审批',
      ' 第四条 附则',
      '+第五条 施行',
    ])
    expect(lines).toEqual([
      { kind: 'part', before: 1, after: 1 },
      { kind: 'same', text: '第一条 总则', before: 1, after: 1 },
      { kind: 'removed', text: '第二条 申请', before: 2, after: null },
      { kind: 'added', text: '第二条 网上申请', before: null, after: 2 },
      { kind: 'same', text: '第三条 审批', before: 3, after: 3 },
      { kind: 'same', text: '第四条 附则', before: 4, after: 4 },
      { kind: 'added', text: '第五条 施行', before: null, after: 5 },
    ])
    expect(diffCounts(lines)).toEqual({ added: 2, removed: 1 })
  })

  it('numbers a text written from nothing from its first line', () => {
    expect(diffLines(['--- a', '+++ b', '@@ -0,0 +1,2 @@', '+x', '+y'])).toEqual([
      { kind: 'part', before: 1, after: 1 },
      { kind: 'added', text: 'x', before: null, after: 1 },
      { kind: 'added', text: 'y', before: null, after: 2 },
    ])
  })

  it('is empty when the texts are the same', () => {
    expect(diffLines([])).toEqual([])
  })
})

describe('who may do what', () => {
  const staff = { id: 'u1', roles: ['agent'], department: '综合处' }
  it('lets a department\'s staff draft their department\'s documents, and the author their draft', () => {
    expect(mayDraft(staff, '综合处')).toBe(true)
    expect(mayDraft(staff, '财务处')).toBe(false)
    expect(mayDraft(staff, '财务处', 'u1')).toBe(true)
    expect(mayDraft({ id: 'a', roles: ['admin'] }, '财务处')).toBe(true)
    expect(mayDraft({ id: 'l', roles: ['leader'], department: '综合处' }, '综合处')).toBe(false)
  })

  it('offers a decision to those the revision waits for only', () => {
    expect(mayDecide({ status: 'in_review', awaiting: ['u1'] }, staff)).toBe(true)
    expect(mayDecide({ status: 'in_review', awaiting: ['u2'] }, staff)).toBe(false)
    expect(mayDecide({ status: 'draft', awaiting: [] }, staff)).toBe(false)
  })

  it('tells each approver where they stand', () => {
    const approval = (approver_id: string, decision: Approval['decision'] = null) => ({ approver_id, decision }) as Approval
    const inReview = { status: 'in_review' as const, awaiting: ['b'] }
    expect(approvalState(approval('a', 'approved'), inReview)).toBe('approved')
    expect(approvalState(approval('b'), inReview)).toBe('awaited')
    expect(approvalState(approval('c'), inReview)).toBe('queued')
    expect(approvalState(approval('c'), { status: 'draft', awaiting: [] })).toBe('notReached')
    expect(approvalState(approval('b', 'rejected'), { status: 'draft', awaiting: [] })).toBe('rejected')
  })
})

describe('the revision shown', () => {
  it('is the one in force, else the newest readable', () => {
    const revisions = [heading(1, 'superseded'), heading(2, 'effective'), heading(3, 'draft')]
    expect(revisionShownFirst({ effective_revision: 2 }, revisions)).toBe(2)
    expect(revisionShownFirst({ effective_revision: null }, [heading(1, 'in_review')])).toBe(1)
    expect(revisionShownFirst({ effective_revision: null }, [])).toBeNull()
    expect(revisionOnItsWay(revisions)?.number).toBe(3)
    expect(revisionOnItsWay(revisions.slice(0, 2))).toBeUndefined()
  })
})

describe('inWords', () => {
  it('says a rule of the register in Chinese before ledger-svc\'s words', async () => {
    const { ApiError } = await import('@/api/problems')
    const { inWords } = await import('@/quality/documents')
    const said = inWords(new ApiError({ status: 409, detail: 'it waits for u1 first', rule: 'decide-in-order' })) as InstanceType<typeof ApiError>
    expect(said.detail).toBe('须按顺序审批：前一位审批人尚未审批（it waits for u1 first）')
    expect(said.status).toBe(409)
    const other = new ApiError({ status: 403, detail: 'no' })
    expect(inWords(other)).toBe(other)
  })
})
