import { describe, expect, it } from 'vitest'
import { barParts, draftOf, mayRunCleanups, percentDecided, type CleanupLine } from '@/quality/cleanups'
import { mayAbolish, mayDraft } from '@/quality/documents'
import { actionsDone, mayOpen, mayVerify, mayWork } from '@/quality/nonconformities'
import { isKeeper } from '@/quality/office'

const OFFICE = '质量管理办公室'
const keeper = { id: 'k', roles: ['agent'], department: OFFICE }
const head = { id: 'h', roles: ['dept_head'], department: '财务处' }
const agent = { id: 'a', roles: ['agent'], department: '财务处' }
const leader = { id: 'l', roles: ['leader'], department: null }

describe('the quality office', () => {
  it('keeps the register as the admins do, once the console knows who it is', () => {
    expect(isKeeper(keeper, OFFICE)).toBe(true)
    expect(isKeeper(keeper, null)).toBe(false)
    expect(isKeeper({ id: 'x', roles: ['admin'] }, null)).toBe(true)
    expect(mayAbolish(keeper, OFFICE)).toBe(true)
    expect(mayAbolish(keeper, null)).toBe(false)
    expect(mayAbolish(agent, OFFICE)).toBe(false)
    expect(mayDraft(keeper, '财务处', null, OFFICE)).toBe(true)
    expect(mayDraft(agent, '物业处', null, OFFICE)).toBe(false)
  })
})

describe('clean-ups', () => {
  it('are run by a leader, an admin or the quality office', () => {
    expect(mayRunCleanups(leader, null)).toBe(true)
    expect(mayRunCleanups(keeper, OFFICE)).toBe(true)
    expect(mayRunCleanups(head, OFFICE)).toBe(false)
  })

  it('show a department as parts of a bar by decision, the undecided rest blank', () => {
    const department = { in_scope: 4, decided: 3, by_decision: { confirm: 1, abolish: 1, revise: 1, supplement: 0 } }
    expect(barParts(department)).toEqual([
      { kind: 'confirm', count: 1, width: 25 },
      { kind: 'abolish', count: 1, width: 25 },
      { kind: 'revise', count: 1, width: 25 },
    ])
    expect(percentDecided(department)).toBe(75)
    expect(percentDecided({ in_scope: 0, decided: 0 })).toBe(0)
  })

  it('link a revise or supplement decision to its draft', () => {
    const decision = { rationale: '', owner_id: 'o', deadline: '2026-12-31', revision_reused: false, decided_at: '', decided_by: '' }
    const line = { decision: { ...decision, decision: 'revise', revision_number: 2 } } as CleanupLine
    expect(draftOf(line)).toBe(2)
    expect(draftOf({ decision: { ...decision, decision: 'confirm', revision_number: null } } as CleanupLine)).toBeNull()
    expect(draftOf({ decision: null } as CleanupLine)).toBeNull()
  })
})

describe('nonconformities', () => {
  const nc = { department: '财务处' }
  it('are worked by the department’s head or the quality office', () => {
    expect(mayWork(nc, head, OFFICE)).toBe(true)
    expect(mayWork(nc, agent, OFFICE)).toBe(false)
    expect(mayWork(nc, keeper, OFFICE)).toBe(true)
    expect(mayWork(nc, leader, OFFICE)).toBe(false)
  })

  it('are verified by the quality office or a leader, never by the department itself', () => {
    expect(mayVerify(nc, head, OFFICE)).toBe(false)
    expect(mayVerify(nc, keeper, OFFICE)).toBe(true)
    expect(mayVerify(nc, leader, OFFICE)).toBe(true)
    expect(mayVerify({ department: OFFICE }, keeper, OFFICE)).toBe(false)
    expect(mayVerify(nc, { id: 'x', roles: ['admin'], department: '财务处' }, null)).toBe(true)
  })

  it('are opened by a keeper, a leader or a head, and checked once every action is done', () => {
    expect(mayOpen(agent, OFFICE)).toBe(false)
    expect(mayOpen(head, OFFICE)).toBe(true)
    expect(actionsDone([])).toBe(false)
    expect(actionsDone([{ status: 'done' }, { status: 'open' }])).toBe(false)
    expect(actionsDone([{ status: 'done' }])).toBe(true)
  })
})
