// Where a person lands after signing in: the first screen of their most demanding role.
import { SCREENS, type ScreenName } from '@/roles'

const HOME_BY_ROLE: [string, ScreenName][] = [
  ['admin', 'users'],
  ['dept_head', 'desk'],
  ['agent', 'desk'],
  ['leader', 'cockpit'],
  ['unit_staff', 'myRequests'],
  ['auditor', 'compliance'],
  ['commander', 'incidents'],
]

/** A page for roles without a screen of their own (an API client's, say). */
export const FALLBACK_HOME = '/home'

export function homeOf(roles: readonly string[]): string {
  const found = HOME_BY_ROLE.find(([role]) => roles.includes(role))
  return found ? SCREENS[found[1]].path : FALLBACK_HOME
}
