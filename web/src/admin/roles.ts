// Which roles the administration screens offer, in the order they are shown. The labels
// are the words of i18n/zh-CN/admin.ts (`admin.roles.<role>`).
import type { Role } from '@/roles'

/** Every role, most powerful first. */
export const ROLE_ORDER: readonly Role[] = [
  'admin',
  'leader',
  'dept_head',
  'agent',
  'unit_staff',
  'commander',
  'auditor',
  'integration',
]

/** People's roles: `integration` is for other systems' API clients only. */
export const USER_ROLES: readonly Role[] = ROLE_ORDER.filter((role) => role !== 'integration')

/**
 * Roles an API client may be given here. Not `admin`: a system holding a client secret
 * should not be able to make users and clients (the API would allow it; this screen does not).
 */
export const CLIENT_ROLES: readonly Role[] = ROLE_ORDER.filter((role) => role !== 'admin')

/** The message key of a role's Chinese name. */
export function roleLabelKey(role: string): string {
  return `admin.roles.${role}`
}

/** Roles in the order of ROLE_ORDER, whatever order they were ticked or stored in. */
export function orderedRoles(roles: readonly string[]): Role[] {
  return ROLE_ORDER.filter((role) => roles.includes(role))
}

/**
 * What an account of these roles must belong to, as ticket-svc and asset-svc scope them:
 * unit staff (and a unit-bound integration client) see only their unit's tickets and rooms;
 * agents and department heads work on their department's tickets.
 */
export function requiredAssignments(roles: readonly string[]): { unit: boolean; department: boolean } {
  return {
    unit: roles.includes('unit_staff'),
    department: roles.includes('dept_head') || roles.includes('agent'),
  }
}
