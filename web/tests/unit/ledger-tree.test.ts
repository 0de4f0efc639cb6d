import { describe, expect, it } from 'vitest'
import { branchesWith, deadlineMoved, isOverdue, ledgerTree, planProgress, progressState, tally, wholePercent, type Item } from '@/ledger/tree'

let made = 0
function item(overrides: Partial<Item> = {}): Item {
  made += 1
  return {
    id: `item-${made}`,
    plan_id: 'plan-1',
    parent_id: null,
    title: `事项${made}`,
    target: '',
    breakdown: '',
    quality_requirement: '',
    owner_id: 'owner-1',
    department: '综合处',
    weight: 1,
    starts_on: '2026-01-01',
    deadline: '2026-06-30',
    original_deadline: '2026-06-30',
    source: null,
    progress: 0,
    status: 'open',
    completed_at: null,
    last_reported_at: null,
    created_at: '2026-01-01T00:00:00Z',
    has_children: false,
    ...overrides,
  }
}

describe('ledgerTree', () => {
  it('puts sub-items under their parents, numbered as the paper ledger numbers them', () => {
    const top = item({ id: 'top' })
    const second = item({ id: 'second' })
    const child = item({ id: 'child', parent_id: 'top' })
    const grandchild = item({ id: 'grandchild', parent_id: 'child' })
    const roots = ledgerTree([top, child, second, grandchild])
    expect(roots.map((node) => [node.item.id, node.number])).toEqual([
      ['top', '1'],
      ['second', '2'],
    ])
    expect(roots[0]!.children[0]!.number).toBe('1.1')
    expect(roots[0]!.children[0]!.children[0]!.number).toBe('1.1.1')
  })

  it('keeps the order read within a level, and shows an item whose parent was not read at the top', () => {
    const roots = ledgerTree([item({ id: 'a', parent_id: 'elsewhere' }), item({ id: 'b' })])
    expect(roots.map((node) => node.item.id)).toEqual(['a', 'b'])
  })
})

describe('planProgress', () => {
  it('rolls the top items up by weight, as ledger-svc rolls up a parent', () => {
    const roots = ledgerTree([item({ weight: 3, progress: 100 }), item({ weight: 1, progress: 20 })])
    expect(planProgress(roots)).toBe(80)
  })

  it('has none for a plan without items', () => {
    expect(planProgress([])).toBeNull()
  })
})

describe('progress and deadlines', () => {
  it('shows a whole percent that reaches 100 only when done', () => {
    expect(wholePercent(99.6)).toBe(99)
    expect(wholePercent(100)).toBe(100)
    expect(wholePercent(33.3333)).toBe(33)
  })

  it('calls an open item overdue from the day after its deadline', () => {
    expect(isOverdue(item({ deadline: '2026-06-30' }), '2026-06-30')).toBe(false)
    expect(isOverdue(item({ deadline: '2026-06-30' }), '2026-07-01')).toBe(true)
    expect(isOverdue(item({ deadline: '2026-06-30', status: 'done' }), '2026-07-01')).toBe(false)
  })

  it('colours a bar done, overdue or on its way', () => {
    expect(progressState(item({ status: 'done' }), '2026-07-01')).toBe('success')
    expect(progressState(item(), '2026-07-01')).toBe('exception')
    expect(progressState(item(), '2026-03-01')).toBeUndefined()
  })

  it('tells a deadline a leader moved from its baseline', () => {
    expect(deadlineMoved(item({ deadline: '2026-07-15' }))).toBe(true)
    expect(deadlineMoved(item())).toBe(false)
  })

  it('counts the items done and overdue', () => {
    const items = [item({ status: 'done', progress: 100 }), item({ deadline: '2026-01-31' }), item({ deadline: '2026-12-31' })]
    expect(tally(items, '2026-03-01')).toEqual({ total: 3, done: 1, overdue: 1 })
  })
})

describe('branchesWith', () => {
  it("keeps an owner's items with all above and below them, and nothing else", () => {
    const roots = ledgerTree([
      item({ id: 'top', owner_id: 'head' }),
      item({ id: 'mine', parent_id: 'top', owner_id: 'me' }),
      item({ id: 'below-mine', parent_id: 'mine', owner_id: 'someone' }),
      item({ id: 'theirs', parent_id: 'top', owner_id: 'someone' }),
      item({ id: 'other-top', owner_id: 'someone' }),
    ])
    const kept = branchesWith(roots, (each) => each.owner_id === 'me')
    expect(kept.map((node) => node.item.id)).toEqual(['top'])
    expect(kept[0]!.children.map((node) => [node.item.id, node.number])).toEqual([['mine', '1.1']])
    expect(kept[0]!.children[0]!.children.map((node) => node.item.id)).toEqual(['below-mine'])
    expect(branchesWith(roots, () => false)).toEqual([])
  })
})
