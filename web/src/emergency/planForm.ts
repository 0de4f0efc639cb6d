// A plan as the editor holds it, and back: the organisation's roles, the procedures grouped
// by grade (their step numbers are their order within the grade, so nobody renumbers by
// hand), each grade's activation criteria and the safeguards. The checks here say in words
// what emergency-svc's PlanDocument would refuse, each at the row at fault.
import type { components } from '@/api/schema'
import { LEVELS, type Level } from '@/emergency/levels'

export type PlanKind = components['schemas']['emergency_PlanKind']
export type PlanCreate = components['schemas']['emergency_PlanCreate']
/** A plan's document, as a plan, any of its versions, or a new plan's body holds it. */
export type PlanDocument = Omit<PlanCreate, 'code'>

/** Plan codes as emergency-svc takes them (models.py PLAN_CODE_PATTERN). */
export const PLAN_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/
/** The longest a step may be given (emergency-svc: 30 days). */
export const MAX_MINUTES = 60 * 24 * 30

export interface RoleRow {
  /** The role's code, which the procedures name; the console makes it for a new role. */
  role: string
  title: string
  holders: string[]
  deputy: string
}

export interface StepRow {
  /** The code of the organisation's role that takes the step. */
  role: string
  action: string
  withinMinutes: number
}

export interface SupplyRow {
  itemCode: string
  quantity: number
}

export interface PlanForm {
  code: string
  title: string
  kind: PlanKind
  incidentTypes: string[]
  scope: string
  drillIntervalMonths: number
  organization: RoleRow[]
  /** Each grade's steps in the order taken: step n is the n-th row. */
  procedures: Record<Level, StepRow[]>
  criteria: Record<Level, string>
  supplies: SupplyRow[]
  /** The teams the plan relies on, one a line. */
  teams: string
  notes: string
}

const byLevel = <T>(make: () => T): Record<Level, T> => ({ I: make(), II: make(), III: make(), IV: make() })

/** An empty special plan, with the one role every response has: the commander. */
export function emptyPlanForm(): PlanForm {
  return {
    code: '',
    title: '',
    kind: 'special',
    incidentTypes: [],
    scope: '',
    drillIntervalMonths: 12,
    organization: [{ role: 'commander', title: '总指挥', holders: [], deputy: '' }],
    procedures: byLevel(() => []),
    criteria: byLevel(() => ''),
    supplies: [],
    teams: '',
    notes: '',
  }
}

/** The form of a plan as read (its current version, or any version). */
export function planFormOf(plan: PlanDocument & { code?: string }): PlanForm {
  const procedures = byLevel<StepRow[]>(() => [])
  for (const step of [...(plan.procedures ?? [])].sort((a, b) => a.step - b.step)) {
    procedures[step.level].push({ role: step.role, action: step.action, withinMinutes: step.within_minutes })
  }
  const criteria = byLevel(() => '')
  for (const one of plan.activation_criteria ?? []) criteria[one.level] = one.criteria
  return {
    code: plan.code ?? '',
    title: plan.title,
    kind: plan.kind,
    incidentTypes: [...(plan.incident_types ?? [])],
    scope: plan.scope ?? '',
    drillIntervalMonths: plan.drill_interval_months ?? 12,
    organization: (plan.organization ?? []).map((role) => ({
      role: role.role,
      title: role.title,
      holders: [...(role.holders ?? [])],
      deputy: role.deputy ?? '',
    })),
    procedures,
    criteria,
    supplies: (plan.safeguards?.supplies ?? []).map((need) => ({ itemCode: need.item_code, quantity: need.quantity })),
    teams: (plan.safeguards?.teams ?? []).join('\n'),
    notes: plan.safeguards?.notes ?? '',
  }
}

/** A code for a new role, unused by the roles there are: `role-1`, `role-2`… */
export function newRoleCode(roles: readonly RoleRow[]): string {
  const taken = new Set(roles.map((role) => role.role))
  let number = roles.length + 1
  while (taken.has(`role-${number}`)) number += 1
  return `role-${number}`
}

/** The document's parts the editor writes (PATCH replaces each part given whole; the
 *  principles and responsibilities, which it does not show, are left as they are). */
export function planBody(form: PlanForm): PlanDocument {
  return {
    title: form.title.trim(),
    kind: form.kind,
    incident_types: [...form.incidentTypes],
    scope: form.scope.trim(),
    drill_interval_months: form.drillIntervalMonths,
    organization: form.organization.map((role) => ({
      role: role.role,
      title: role.title.trim(),
      holders: [...role.holders],
      deputy: role.deputy || null,
    })),
    activation_criteria: LEVELS.filter((level) => form.criteria[level].trim()).map((level) => ({
      level,
      criteria: form.criteria[level].trim(),
    })),
    procedures: LEVELS.flatMap((level) =>
      form.procedures[level].map((step, index) => ({
        level,
        step: index + 1,
        role: step.role,
        action: step.action.trim(),
        within_minutes: step.withinMinutes,
      })),
    ),
    safeguards: {
      supplies: form.supplies.map((need) => ({ item_code: need.itemCode, quantity: need.quantity })),
      teams: form.teams
        .split('\n')
        .map((team) => team.trim())
        .filter(Boolean),
      notes: form.notes.trim(),
    },
  }
}

/** A new plan's body: its code and the document of version 1. */
export function newPlanBody(form: PlanForm): PlanCreate {
  return { code: form.code.trim(), ...planBody(form) }
}

/**
 * Where each problem is, as the editor's fields are keyed: `title`, `organization.2.title`,
 * `procedures.III.0.action`, `supplies.1.itemCode`. The values are i18n keys of the words
 * (under emergency.editor.problems), with their parameters.
 */
export type PlanProblems = Record<string, { key: string; params?: Record<string, unknown> }>

export function planProblems(form: PlanForm, options: { isNew: boolean }): PlanProblems {
  const problems: PlanProblems = {}
  const say = (field: string, key: string, params?: Record<string, unknown>) => {
    problems[field] ??= { key, params }
  }
  if (options.isNew && !PLAN_CODE.test(form.code.trim())) say('code', 'code')
  if (!form.title.trim()) say('title', 'title')
  if (form.kind === 'special' && form.incidentTypes.length === 0) say('incidentTypes', 'incidentTypes')

  const titles = new Map<string, number>()
  form.organization.forEach((role, index) => {
    const title = role.title.trim()
    if (!title) say(`organization.${index}.title`, 'roleTitle')
    else if (titles.has(title)) say(`organization.${index}.title`, 'roleTwice', { title })
    else titles.set(title, index)
    if (role.deputy && role.holders.includes(role.deputy)) say(`organization.${index}.deputy`, 'deputyIsHolder')
  })
  if (form.organization.length === 0) say('organization', 'noRoles')

  const roles = new Set(form.organization.map((role) => role.role))
  for (const level of LEVELS) {
    form.procedures[level].forEach((step, index) => {
      const at = `procedures.${level}.${index}`
      if (!step.role || !roles.has(step.role)) say(`${at}.role`, 'stepRole')
      if (!step.action.trim()) say(`${at}.action`, 'stepAction')
      if (!Number.isInteger(step.withinMinutes) || step.withinMinutes < 1 || step.withinMinutes > MAX_MINUTES) {
        say(`${at}.withinMinutes`, 'stepMinutes', { max: MAX_MINUTES })
      }
    })
  }

  const items = new Set<string>()
  form.supplies.forEach((need, index) => {
    if (!need.itemCode) say(`supplies.${index}.itemCode`, 'supplyItem')
    else if (items.has(need.itemCode)) say(`supplies.${index}.itemCode`, 'supplyTwice')
    items.add(need.itemCode)
    if (!Number.isInteger(need.quantity) || need.quantity < 1) say(`supplies.${index}.quantity`, 'supplyQuantity')
  })
  return problems
}

/**
 * The editor's field an API pointer names, for the body planBody made from `form`:
 * `#/procedures/3/role` is the fourth step sent, which is `procedures.II.1.role` when grade
 * I has two steps; `#/safeguards/supplies/0/item_code` is `supplies.0.itemCode`.
 */
export function fieldOfPlanPointer(form: PlanForm, pointer: string): string | null {
  const parts = pointer.replace(/^#\/?/, '').split('/')
  const [part, index, field] = parts
  switch (part) {
    case 'code':
    case 'title':
    case 'scope':
      return part
    case 'kind':
    case 'incident_types':
      return 'incidentTypes'
    case 'drill_interval_months':
      return 'drillIntervalMonths'
    case 'organization':
      return index === undefined ? 'organization' : `organization.${index}.${field ?? 'title'}`
    case 'procedures': {
      let left = Number(index)
      for (const level of LEVELS) {
        const count = form.procedures[level].length
        if (left < count) {
          const name = field === 'within_minutes' ? 'withinMinutes' : field === 'role' || field === 'action' ? field : 'action'
          return `procedures.${level}.${left}.${name}`
        }
        left -= count
      }
      return null
    }
    case 'safeguards':
      if (index === 'supplies' && field !== undefined) return `supplies.${field}.${parts[3] === 'quantity' ? 'quantity' : 'itemCode'}`
      return index === 'notes' ? 'notes' : index === 'teams' ? 'teams' : null
    default:
      return null
  }
}
