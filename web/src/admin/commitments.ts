// The commitment form (承诺服务) and the bodies sent to ticket-svc (commitments/models.py).
// Every edit of the terms makes a new version; tickets keep the version they were opened under.
import type { components } from '@/api/schema'
import { resolveHoursProblem, responseLimitOf, responseMinutesOf, type ResponseUnit } from './durations'

export type CommitmentRead = components['schemas']['CommitmentRead']
export type CommitmentCreate = components['schemas']['CommitmentCreate']
export type CommitmentUpdate = components['schemas']['CommitmentUpdate']

export interface CommitmentForm {
  code: string
  name: string
  category: string
  department: string
  responseAmount: number | null
  responseUnit: ResponseUnit
  resolveHours: number | null
  calendar_id: string
  /** The code of the procedure it carries out, in the quality register (制度与流程); blank: none. */
  procedure_code: string
}

export function emptyCommitmentForm(): CommitmentForm {
  return {
    code: '',
    name: '',
    category: '',
    department: '',
    responseAmount: 30,
    responseUnit: 'minutes',
    resolveHours: 24,
    calendar_id: '',
    procedure_code: '',
  }
}

export function commitmentFormOf(commitment: CommitmentRead): CommitmentForm {
  const limit = responseLimitOf(commitment.response_minutes)
  return {
    code: commitment.code,
    name: commitment.name,
    category: commitment.category,
    department: commitment.department,
    responseAmount: limit.amount,
    responseUnit: limit.unit,
    resolveHours: commitment.resolve_hours,
    calendar_id: commitment.calendar_id ?? '',
    procedure_code: commitment.procedure_code ?? '',
  }
}

type FieldName = 'code' | 'name' | 'category' | 'department' | 'response_minutes' | 'resolve_hours'

/** Why the form cannot be sent: message keys by the API's field names; empty when it can. */
export function commitmentProblems(form: CommitmentForm, { creating }: { creating: boolean }): Partial<Record<FieldName, string>> {
  const problems: Partial<Record<FieldName, string>> = {}
  const required: [FieldName, string][] = [
    ['name', form.name],
    ['category', form.category],
    ['department', form.department],
  ]
  if (creating) required.unshift(['code', form.code])
  for (const [field, value] of required) {
    if (value.trim() === '') problems[field] = 'admin.commitments.rules.required'
  }
  const response = responseMinutesOf({ amount: form.responseAmount, unit: form.responseUnit })
  if ('problem' in response) problems.response_minutes = response.problem
  const resolve = resolveHoursProblem(form.resolveHours)
  if (resolve) problems.resolve_hours = resolve
  return problems
}

function terms(form: CommitmentForm) {
  const response = responseMinutesOf({ amount: form.responseAmount, unit: form.responseUnit })
  if ('problem' in response) throw new Error('commitmentProblems first: the response limit is not valid')
  return {
    name: form.name.trim(),
    category: form.category.trim(),
    department: form.department.trim(),
    response_minutes: response.minutes,
    resolve_hours: form.resolveHours as number,
    calendar_id: form.calendar_id === '' ? null : form.calendar_id,
    procedure_code: form.procedure_code.trim() === '' ? null : form.procedure_code.trim(),
  }
}

export function commitmentCreateBody(form: CommitmentForm): CommitmentCreate {
  return { code: form.code.trim(), ...terms(form) }
}

/** The terms that changed (each change is a new version); empty when nothing did. */
export function commitmentUpdateBody(form: CommitmentForm, commitment: CommitmentRead): CommitmentUpdate {
  const body: CommitmentUpdate = {}
  for (const [field, value] of Object.entries(terms(form)) as [keyof CommitmentUpdate, string | number | null][]) {
    if (commitment[field] !== value) (body as Record<string, unknown>)[field] = value
  }
  return body
}

/** The departments named by these commitments, once each, in Chinese collation order. */
export function departmentsOf(commitments: readonly { department: string }[]): string[] {
  return [...new Set(commitments.map((commitment) => commitment.department))].sort((a, b) =>
    a.localeCompare(b, 'zh-CN'),
  )
}
