// The user form's rules and the request bodies it sends (gateway/users/models.py).
import type { components } from '@/api/schema'
import type { Role } from '@/roles'
import { requiredAssignments } from './roles'

export type UserCreate = components['schemas']['UserCreate']
export type UserUpdate = components['schemas']['UserUpdate']
export type UserRead = components['schemas']['UserRead']

/** The gateway's password bounds (Password in users/models.py). */
export const PASSWORD_MIN_LENGTH = 8
export const PASSWORD_MAX_LENGTH = 256

// The gateway trims and lowers a username, then wants this.
const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{0,63}$/

export interface UserForm {
  username: string
  display_name: string
  password: string
  roles: Role[]
  unit_id: string
  department: string
}

export function emptyUserForm(): UserForm {
  return { username: '', display_name: '', password: '', roles: [], unit_id: '', department: '' }
}

/** The form of an existing user, for editing (no password: it is never shown). */
export function userFormOf(user: UserRead): UserForm {
  return {
    username: user.username,
    display_name: user.display_name,
    password: '',
    roles: [...user.roles],
    unit_id: user.unit_id ?? '',
    department: user.department ?? '',
  }
}

/** The username as the gateway keeps it. */
export function normalizeUsername(value: string): string {
  return value.trim().toLowerCase()
}

/** Why a username would be refused, as a message key of admin.ts; null when it is fine. */
export function usernameProblem(value: string): string | null {
  const username = normalizeUsername(value)
  if (username === '') return 'admin.users.rules.usernameRequired'
  if (!USERNAME_PATTERN.test(username)) return 'admin.users.rules.usernameShape'
  return null
}

/** Why a password would be refused, as a message key of admin.ts; null when it is fine. */
export function passwordProblem(value: string): string | null {
  if (value.length < PASSWORD_MIN_LENGTH) return 'admin.users.rules.passwordShort'
  if (value.length > PASSWORD_MAX_LENGTH) return 'admin.users.rules.passwordLong'
  return null
}

/** What the form is missing for its roles: the message keys by field. */
export function assignmentProblems(form: Pick<UserForm, 'roles' | 'unit_id' | 'department'>): {
  unit_id?: string
  department?: string
} {
  const needs = requiredAssignments(form.roles)
  const problems: { unit_id?: string; department?: string } = {}
  if (needs.unit && !form.unit_id) problems.unit_id = 'admin.users.rules.unitRequired'
  if (needs.department && !form.department.trim()) problems.department = 'admin.users.rules.departmentRequired'
  return problems
}

function optional(value: string): string | null {
  const trimmed = value.trim()
  return trimmed === '' ? null : trimmed
}

export function userCreateBody(form: UserForm): UserCreate {
  return {
    username: normalizeUsername(form.username),
    password: form.password,
    display_name: form.display_name.trim(),
    roles: [...form.roles],
    unit_id: optional(form.unit_id),
    department: optional(form.department),
  }
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role))
}

/** Only what changed: an untouched field is left out, an emptied unit or department is null. */
export function userUpdateBody(form: UserForm, user: UserRead): UserUpdate {
  const body: UserUpdate = {}
  const displayName = form.display_name.trim()
  if (displayName !== user.display_name) body.display_name = displayName
  if (!sameRoles(form.roles, user.roles)) body.roles = [...form.roles]
  const unitId = optional(form.unit_id)
  if (unitId !== user.unit_id) body.unit_id = unitId
  const department = optional(form.department)
  if (department !== user.department) body.department = department
  return body
}
