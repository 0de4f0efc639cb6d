import { describe, expect, it } from 'vitest'
import {
  commitmentCreateBody,
  commitmentFormOf,
  commitmentProblems,
  commitmentUpdateBody,
  departmentsOf,
  emptyCommitmentForm,
  type CommitmentRead,
} from '@/admin/commitments'
import { clientCreateBody, clientProblems, emptyClientForm } from '@/admin/clients'

const repair: CommitmentRead = {
  id: 'c1',
  code: 'REPAIR-WATER',
  name: '水电维修',
  category: 'repair',
  department: '物业管理处',
  response_minutes: 30,
  resolve_hours: 24,
  calendar_id: 'cal-1',
  procedure_code: null,
  published: true,
  version: 3,
}

describe('the commitment form', () => {
  it('sends the response limit in minutes, whatever unit it was entered in', () => {
    const form = {
      ...emptyCommitmentForm(),
      code: ' REPAIR-HEAT ',
      name: '供暖维修',
      category: 'repair',
      department: '物业管理处',
      responseAmount: 2,
      responseUnit: 'hours' as const,
      resolveHours: 48,
    }
    expect(commitmentProblems(form, { creating: true })).toEqual({})
    expect(commitmentCreateBody(form)).toEqual({
      code: 'REPAIR-HEAT',
      name: '供暖维修',
      category: 'repair',
      department: '物业管理处',
      response_minutes: 120,
      resolve_hours: 48,
      calendar_id: null,
      procedure_code: null,
    })
  })

  it('names every field that is missing or wrong', () => {
    const form = { ...emptyCommitmentForm(), responseAmount: 0, resolveHours: 1.5 }
    expect(commitmentProblems(form, { creating: true })).toEqual({
      code: 'admin.commitments.rules.required',
      name: 'admin.commitments.rules.required',
      category: 'admin.commitments.rules.required',
      department: 'admin.commitments.rules.required',
      response_minutes: 'admin.commitments.rules.positive',
      resolve_hours: 'admin.commitments.rules.wholeHours',
    })
  })

  it('an edit does not ask for the code again (it cannot change)', () => {
    const form = { ...commitmentFormOf(repair), code: '' }
    expect(commitmentProblems(form, { creating: false })).toEqual({})
  })

  it('an edit sends only the changed terms (each edit is a new version)', () => {
    const form = commitmentFormOf(repair)
    expect(form.responseAmount).toBe(30)
    expect(form.responseUnit).toBe('minutes')
    expect(commitmentUpdateBody(form, repair)).toEqual({})
    expect(commitmentUpdateBody({ ...form, responseAmount: 1, responseUnit: 'hours', calendar_id: '' }, repair)).toEqual({
      response_minutes: 60,
      calendar_id: null,
    })
  })

  it('names the procedure it carries out, trimmed, or none when left blank', () => {
    const form = commitmentFormOf(repair)
    expect(form.procedure_code).toBe('')
    expect(commitmentUpdateBody({ ...form, procedure_code: ' GJ-WX-001 ' }, repair)).toEqual({ procedure_code: 'GJ-WX-001' })
    const named = { ...repair, procedure_code: 'GJ-WX-001' }
    expect(commitmentUpdateBody({ ...commitmentFormOf(named), procedure_code: '  ' }, named)).toEqual({ procedure_code: null })
  })

  it('offers the departments of the commitments once each', () => {
    expect(departmentsOf([{ department: '物业管理处' }, { department: '车辆管理处' }, { department: '物业管理处' }])).toEqual(
      ['车辆管理处', '物业管理处'].sort((a, b) => a.localeCompare(b, 'zh-CN')),
    )
  })
})

describe('the API client form', () => {
  it('starts as an integration client', () => {
    expect(emptyClientForm().roles).toEqual(['integration'])
  })

  it('needs a name and a role', () => {
    expect(clientProblems({ name: ' ', roles: [], unit_id: '' })).toEqual({
      name: 'admin.clients.rules.nameRequired',
      roles: 'admin.clients.rules.rolesRequired',
    })
  })

  it('sends no unit as null', () => {
    expect(clientCreateBody({ name: ' 政务服务中心 ', roles: ['integration'], unit_id: '' })).toEqual({
      name: '政务服务中心',
      roles: ['integration'],
      unit_id: null,
    })
  })
})
