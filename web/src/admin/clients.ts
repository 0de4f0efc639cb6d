// The API client form (other government systems) and the body sent to the gateway.
import type { components } from '@/api/schema'
import type { Role } from '@/roles'

export type ClientCreate = components['schemas']['ClientCreate']
export type ClientRead = components['schemas']['ClientRead']
export type ClientCreated = components['schemas']['ClientCreated']

export interface ClientForm {
  name: string
  roles: Role[]
  unit_id: string
}

/** A new client reads and writes as a system bound to its unit (`integration`). */
export function emptyClientForm(): ClientForm {
  return { name: '', roles: ['integration'], unit_id: '' }
}

/** Why the form cannot be sent: message keys by field; empty when it can. */
export function clientProblems(form: ClientForm): { name?: string; roles?: string } {
  const problems: { name?: string; roles?: string } = {}
  if (form.name.trim() === '') problems.name = 'admin.clients.rules.nameRequired'
  if (form.roles.length === 0) problems.roles = 'admin.clients.rules.rolesRequired'
  return problems
}

export function clientCreateBody(form: ClientForm): ClientCreate {
  return { name: form.name.trim(), roles: [...form.roles], unit_id: form.unit_id === '' ? null : form.unit_id }
}
