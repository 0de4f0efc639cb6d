import { describe, expect, it } from 'vitest'
import { emptyPlanForm, fieldOfPlanPointer, newPlanBody, newRoleCode, planBody, planFormOf, planProblems, type PlanForm } from '@/emergency/planForm'

function filledIn(): PlanForm {
  const form = emptyPlanForm()
  form.code = 'SP-LEAK'
  form.title = '机房漏水专项预案'
  form.incidentTypes = ['leak']
  form.organization = [
    { role: 'commander', title: '总指挥', holders: ['u1'], deputy: 'u2' },
    { role: 'role-2', title: '疏散组', holders: ['u3'], deputy: '' },
  ]
  form.procedures.I = [{ role: 'commander', action: '报告局领导', withinMinutes: 5 }]
  form.procedures.III = [
    { role: 'commander', action: '启动三级响应', withinMinutes: 15 },
    { role: 'role-2', action: '组织疏散', withinMinutes: 20 },
  ]
  form.criteria.III = '机房进水'
  form.supplies = [{ itemCode: 'pump', quantity: 3 }]
  form.teams = '物业抢修队\n\n 保卫处值班组 '
  return form
}

describe('planBody', () => {
  it('numbers each grade’s steps by their order and leaves out empty criteria and blank teams', () => {
    const body = newPlanBody(filledIn())
    expect(body.code).toBe('SP-LEAK')
    expect(body.procedures).toEqual([
      { level: 'I', step: 1, role: 'commander', action: '报告局领导', within_minutes: 5 },
      { level: 'III', step: 1, role: 'commander', action: '启动三级响应', within_minutes: 15 },
      { level: 'III', step: 2, role: 'role-2', action: '组织疏散', within_minutes: 20 },
    ])
    expect(body.activation_criteria).toEqual([{ level: 'III', criteria: '机房进水' }])
    expect(body.organization?.[1]).toEqual({ role: 'role-2', title: '疏散组', holders: ['u3'], deputy: null })
    expect(body.safeguards).toEqual({ supplies: [{ item_code: 'pump', quantity: 3 }], teams: ['物业抢修队', '保卫处值班组'], notes: '' })
  })

  it('reads back into the same form (a plan edited without changes sends what it read)', () => {
    const form = filledIn()
    const again = planFormOf({ ...planBody(form), code: form.code })
    expect(planBody(again)).toEqual(planBody(form))
    expect(again.teams).toBe('物业抢修队\n保卫处值班组')
  })

  it('orders steps read from a plan by their number within each grade', () => {
    const form = planFormOf({
      title: 'x',
      kind: 'master',
      scope: '',
      drill_interval_months: 6,
      procedures: [
        { level: 'II', step: 2, role: 'a', action: 'second', within_minutes: 1 },
        { level: 'II', step: 1, role: 'a', action: 'first', within_minutes: 1 },
      ],
    })
    expect(form.procedures.II.map((step) => step.action)).toEqual(['first', 'second'])
    expect(form.organization).toEqual([])
  })
})

describe('newRoleCode', () => {
  it('makes a code no role has', () => {
    expect(newRoleCode([])).toBe('role-1')
    const roles = [
      { role: 'commander', title: '', holders: [], deputy: '' },
      { role: 'role-2', title: '', holders: [], deputy: '' },
    ]
    expect(newRoleCode(roles)).toBe('role-3')
    expect(newRoleCode([{ role: 'role-1', title: '', holders: [], deputy: '' }])).toBe('role-2')
  })
})

describe('planProblems', () => {
  it('finds nothing wrong with a complete plan', () => {
    expect(planProblems(filledIn(), { isNew: true })).toEqual({})
  })

  it('says where each problem is, as emergency-svc would refuse it', () => {
    const form = filledIn()
    form.code = '-bad'
    form.title = ' '
    form.incidentTypes = []
    form.organization[1]!.title = '总指挥'
    form.organization[0]!.deputy = 'u1'
    form.procedures.III[1]!.role = 'gone'
    form.procedures.III[0]!.action = ''
    form.procedures.I[0]!.withinMinutes = 0
    form.supplies.push({ itemCode: 'pump', quantity: 0 })
    expect(planProblems(form, { isNew: true })).toEqual({
      code: { key: 'code', params: undefined },
      title: { key: 'title', params: undefined },
      incidentTypes: { key: 'incidentTypes', params: undefined },
      'organization.1.title': { key: 'roleTwice', params: { title: '总指挥' } },
      'organization.0.deputy': { key: 'deputyIsHolder', params: undefined },
      'procedures.III.1.role': { key: 'stepRole', params: undefined },
      'procedures.III.0.action': { key: 'stepAction', params: undefined },
      'procedures.I.0.withinMinutes': { key: 'stepMinutes', params: { max: 43200 } },
      'supplies.1.itemCode': { key: 'supplyTwice', params: undefined },
      'supplies.1.quantity': { key: 'supplyQuantity', params: undefined },
    })
  })

  it('does not ask an edit for its code, nor a master plan for incident types', () => {
    const form = filledIn()
    form.code = ''
    form.kind = 'master'
    form.incidentTypes = []
    expect(planProblems(form, { isNew: false })).toEqual({})
  })
})

describe('fieldOfPlanPointer', () => {
  it('finds the step a pointer into the flat procedures names, grade by grade', () => {
    const form = filledIn()
    expect(fieldOfPlanPointer(form, '#/procedures/0/action')).toBe('procedures.I.0.action')
    expect(fieldOfPlanPointer(form, '#/procedures/2/role')).toBe('procedures.III.1.role')
    expect(fieldOfPlanPointer(form, '#/procedures/1/within_minutes')).toBe('procedures.III.0.withinMinutes')
    expect(fieldOfPlanPointer(form, '#/procedures/7/role')).toBeNull()
  })

  it('maps the heading, the organisation and the safeguards', () => {
    const form = filledIn()
    expect(fieldOfPlanPointer(form, '#/incident_types/0')).toBe('incidentTypes')
    expect(fieldOfPlanPointer(form, '#/organization/1/role')).toBe('organization.1.role')
    expect(fieldOfPlanPointer(form, '#/safeguards/supplies/0/quantity')).toBe('supplies.0.quantity')
    expect(fieldOfPlanPointer(form, '#/safeguards/supplies/0/item_code')).toBe('supplies.0.itemCode')
    expect(fieldOfPlanPointer(form, '#/principles/0')).toBeNull()
  })
})
