import { describe, expect, it } from 'vitest'
import { planChanges } from '@/emergency/planChanges'
import type { PlanDocument } from '@/emergency/planForm'

const before: PlanDocument = {
  title: '机房漏水专项预案',
  kind: 'special',
  scope: '本局各院区机房',
  drill_interval_months: 12,
  incident_types: ['leak'],
  organization: [
    { role: 'commander', title: '总指挥', holders: ['u1'], deputy: null },
    { role: 'evacuation', title: '疏散组', holders: ['u2'], deputy: 'u3' },
  ],
  procedures: [
    { level: 'III', step: 1, role: 'commander', action: '启动三级响应', within_minutes: 15 },
    { level: 'III', step: 2, role: 'evacuation', action: '组织疏散', within_minutes: 20 },
  ],
  safeguards: { supplies: [{ item_code: 'pump', quantity: 3 }], teams: [], notes: '' },
}

describe('planChanges', () => {
  it('finds nothing between a version and itself', () => {
    expect(planChanges(before, structuredClone(before))).toEqual([])
  })

  it('tells the organisation’s, the procedures’ and the safeguards’ changes, in the plan’s order', () => {
    const after: PlanDocument = structuredClone(before)
    after.title = '机房进水专项预案'
    after.incident_types = ['leak', 'flood']
    after.organization![0]!.deputy = 'u4'
    after.organization![1]!.holders = ['u2', 'u5']
    after.organization!.push({ role: 'role-3', title: '抢修组', holders: [], deputy: null })
    after.procedures![1]!.within_minutes = 10
    after.procedures!.push({ level: 'III', step: 3, role: 'role-3', action: '排水抢修', within_minutes: 30 })
    after.activation_criteria = [{ level: 'III', criteria: '机房进水' }]
    after.safeguards = { supplies: [{ item_code: 'pump', quantity: 4 }, { item_code: 'sandbag', quantity: 50 }], teams: ['物业抢修队'], notes: '' }
    expect(planChanges(before, after)).toEqual([
      { part: 'title', from: '机房漏水专项预案', to: '机房进水专项预案' },
      { part: 'incidentTypes', added: ['flood'], removed: [] },
      { part: 'deputy', role: '总指挥', from: null, to: 'u4' },
      { part: 'holders', role: '疏散组', from: ['u2'], to: ['u2', 'u5'] },
      { part: 'roleAdded', role: '抢修组' },
      { part: 'criteria', level: 'III', from: '', to: '机房进水' },
      {
        part: 'stepChanged',
        level: 'III',
        step: 2,
        from: { role: '疏散组', action: '组织疏散', minutes: 20 },
        to: { role: '疏散组', action: '组织疏散', minutes: 10 },
      },
      { part: 'stepAdded', level: 'III', step: 3, role: '抢修组', action: '排水抢修' },
      { part: 'supply', item: 'pump', from: 3, to: 4 },
      { part: 'supply', item: 'sandbag', from: 0, to: 50 },
      { part: 'teams', from: '', to: '物业抢修队' },
    ])
  })

  it('names a removed role and its removed step by the titles the older version gave them', () => {
    const after: PlanDocument = structuredClone(before)
    after.organization = [after.organization![0]!]
    after.procedures = [after.procedures![0]!]
    expect(planChanges(before, after)).toEqual([
      { part: 'roleRemoved', role: '疏散组' },
      { part: 'stepRemoved', level: 'III', step: 2, role: '疏散组', action: '组织疏散' },
    ])
  })
})
