// Who may do what on the emergency screens, as emergency-svc's policies say (the API checks
// again): what a role may not do is not offered.
const STEERERS = ['commander', 'leader'] // incidents/policy.py STEERERS
const BUREAU = ['admin', 'leader', 'dept_head', 'agent', 'auditor', 'commander'] // BUREAU_ROLES
const PLAN_KEEPERS = ['admin', 'leader'] // plans/policy.py PLAN_KEEPERS
const TYPE_KEEPERS = ['admin'] // incident_types/policy.py KEEPERS
const DRILL_WRITERS = ['admin', 'leader', 'commander'] // drills/policy.py WRITERS
const SUPPLY_KEEPERS = ['admin', 'commander'] // supplies/policy.py KEEPERS
const MARKERS = ['commander', 'leader', 'admin'] // tasks/policy.py MARKERS

const anyOf = (roles: readonly string[], allowed: readonly string[]) => roles.some((role) => allowed.includes(role))

/** Activate a response, change its level, report upward, close it. */
export const maySteer = (roles: readonly string[]) => anyOf(roles, STEERERS)

/** The supplies, the reports upward, drills and readiness: the bureau's own people's. */
export const mayReadStaffParts = (roles: readonly string[]) => anyOf(roles, BUREAU)

/** Write a plan (a draft, or a new version of one), put it in force or retire it. */
export const mayKeepPlans = (roles: readonly string[]) => anyOf(roles, PLAN_KEEPERS)

/** Add an incident type. */
export const mayKeepTypes = (roles: readonly string[]) => anyOf(roles, TYPE_KEEPERS)

/** Schedule a drill, record it and its findings. */
export const mayWriteDrills = (roles: readonly string[]) => anyOf(roles, DRILL_WRITERS)

/** Add to the catalogue, keep stock (receipts, issues, counts, minimums), release a
 *  reservation by hand. */
export const mayKeepSupplies = (roles: readonly string[]) => anyOf(roles, SUPPLY_KEEPERS)

/** Mark anyone out of reach and clear it (everyone may mark themself). */
export const mayMarkOthers = (roles: readonly string[]) => anyOf(roles, MARKERS)
