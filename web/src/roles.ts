// The one place that says which role sees which screen of the console. The router refuses
// a screen to other roles and the menu shows each person only their screens; the API
// checks again on every call, so this decides what is shown, not what is allowed.
import type { components } from '@/api/schema'

export type Role = components['schemas']['Role']

/** A console screen (signed in): its route name, path and who may open it. */
export interface Screen {
  name: string
  path: string
  /** i18n key of its label in the menu (and the page's title) */
  label: string
  roles: readonly Role[]
}

/** Everyone who may read a ticket somewhere (ticket-svc's scope decides which). */
const TICKET_READERS: readonly Role[] = ['unit_staff', 'agent', 'dept_head', 'leader', 'admin', 'auditor']

/** Who reads the property register: the bureau's leaders, auditors and department heads
 *  (the property department's among them), and a unit's staff their unit's. */
const REGISTER_READERS: readonly Role[] = ['admin', 'leader', 'dept_head', 'auditor', 'unit_staff']

/** Who reads the work ledger (ledger-svc's READERS): the bureau's own people, not a served
 *  unit's staff. What each may do there is ledger/rules.ts's. */
const LEDGER_READERS: readonly Role[] = ['admin', 'leader', 'dept_head', 'agent', 'auditor', 'commander']

/** Who reads incidents and plans (emergency-svc's INCIDENT_READERS, PLAN_READERS): the
 *  bureau's people, and a served unit's staff — they hold plan roles and tasks. */
const EMERGENCY_READERS: readonly Role[] = ['admin', 'leader', 'dept_head', 'agent', 'auditor', 'commander', 'unit_staff']

/** Who reads drills, trainings, supplies and readiness: the bureau's own people. */
const EMERGENCY_STAFF: readonly Role[] = ['admin', 'leader', 'dept_head', 'agent', 'auditor', 'commander']

/** Who reads the procedure register (ledger-svc's quality/policy.py READERS): the bureau's
 *  people, and a served unit's staff the documents published to the units. */
const QUALITY_READERS: readonly Role[] = ['admin', 'leader', 'dept_head', 'agent', 'auditor', 'commander', 'unit_staff']

/** Who reads clean-up campaigns and nonconformities (ledger-svc's cleanups/ and
 *  nonconformities/policy.py READERS): the bureau's own people, not a served unit's staff. */
const QUALITY_STAFF: readonly Role[] = ['admin', 'leader', 'dept_head', 'agent', 'auditor', 'commander']

/** Everyone who signs in to the console (API clients do not): each has an inbox. */
const PEOPLE: readonly Role[] = ['unit_staff', 'agent', 'dept_head', 'leader', 'admin', 'auditor', 'commander']

export const SCREENS = {
  // The leaders' view by exception; every list in it is one the leadership (and admins) read.
  cockpit: { name: 'cockpit', path: '/cockpit', label: 'cockpit.menu.cockpit', roles: ['leader', 'admin'] },
  inbox: { name: 'inbox', path: '/inbox', label: 'common.menu.inbox', roles: PEOPLE },
  contacts: { name: 'contacts', path: '/me/contacts', label: 'common.menu.contacts', roles: PEOPLE },
  newRequest: { name: 'newRequest', path: '/requests/new', label: 'common.menu.newRequest', roles: ['unit_staff'] },
  myRequests: { name: 'myRequests', path: '/requests', label: 'common.menu.myRequests', roles: ['unit_staff'] },
  desk: { name: 'desk', path: '/desk', label: 'common.menu.desk', roles: ['agent', 'dept_head'] },
  // ticket-svc lets department heads and leaders (not agents) read escalations and reports.
  escalations: {
    name: 'escalations',
    path: '/desk/escalations',
    label: 'common.menu.escalations',
    roles: ['dept_head', 'leader'],
  },
  departmentReport: {
    name: 'departmentReport',
    path: '/desk/report',
    label: 'common.menu.departmentReport',
    roles: ['dept_head', 'leader'],
  },
  ticket: { name: 'ticket', path: '/tickets/:id', label: 'common.menu.ticket', roles: TICKET_READERS },
  users: { name: 'users', path: '/admin/users', label: 'common.menu.users', roles: ['admin'] },
  clients: { name: 'clients', path: '/admin/clients', label: 'common.menu.clients', roles: ['admin'] },
  commitments: { name: 'commitments', path: '/admin/commitments', label: 'common.menu.commitments', roles: ['admin'] },
  calendars: { name: 'calendars', path: '/admin/calendars', label: 'common.menu.calendars', roles: ['admin'] },
  rules: { name: 'rules', path: '/admin/rules', label: 'common.menu.rules', roles: ['admin'] },
  messageLog: { name: 'messageLog', path: '/admin/messages', label: 'common.menu.messageLog', roles: ['admin'] },
  units: { name: 'units', path: '/assets/units', label: 'common.menu.units', roles: REGISTER_READERS },
  unit: { name: 'unit', path: '/assets/units/:id', label: 'common.menu.unit', roles: REGISTER_READERS },
  present: { name: 'present', path: '/present/units/:id', label: 'common.menu.present', roles: REGISTER_READERS },
  // The bureau's year at a leaders' meeting: read by those who read every department's figures.
  presentYear: { name: 'presentYear', path: '/present/year', label: 'cockpit.presentYear', roles: ['leader', 'admin', 'auditor'] },
  buildings: { name: 'buildings', path: '/assets/buildings', label: 'common.menu.buildings', roles: REGISTER_READERS },
  building: { name: 'building', path: '/assets/buildings/:id', label: 'common.menu.building', roles: REGISTER_READERS },
  room: { name: 'room', path: '/assets/rooms/:id', label: 'common.menu.room', roles: REGISTER_READERS },
  // The change register is read by asset-svc's readers of it; only an admin records one.
  changes: {
    name: 'changes',
    path: '/assets/changes',
    label: 'common.menu.changes',
    roles: ['admin', 'leader', 'dept_head', 'auditor'],
  },
  // The city-wide report is the bureau's (asset-svc refuses it to a unit's staff).
  compliance: { name: 'compliance', path: '/assets/compliance', label: 'common.menu.compliance', roles: ['admin', 'leader', 'auditor'] },
  // A unit's staff read their own unit's renovations (asset-svc scopes them).
  renovations: {
    name: 'renovations',
    path: '/assets/renovations',
    label: 'common.menu.renovations',
    roles: ['admin', 'leader', 'auditor', 'unit_staff'],
  },
  // A unit's staff read the homes of their unit's households (asset-svc scopes them).
  housing: { name: 'housing', path: '/assets/housing', label: 'common.menu.housing', roles: ['admin', 'leader', 'auditor', 'unit_staff'] },
  // A unit's staff read their unit's stocktakes and reports; only an admin counts.
  stocktakes: { name: 'stocktakes', path: '/assets/stocktakes', label: 'common.menu.stocktakes', roles: ['admin', 'leader', 'auditor', 'unit_staff'] },
  stocktake: { name: 'stocktake', path: '/assets/stocktakes/:id', label: 'common.menu.stocktake', roles: ['admin', 'leader', 'auditor', 'unit_staff'] },
  imports: { name: 'imports', path: '/assets/imports', label: 'common.menu.imports', roles: ['admin'] },
  ledger: { name: 'ledger', path: '/ledger', label: 'ledger.menu.ledger', roles: LEDGER_READERS },
  ledgerItem: { name: 'ledgerItem', path: '/ledger/items/:id', label: 'ledger.menu.item', roles: LEDGER_READERS },
  // ledger-svc gives each reader the interventions they follow: an owner's are their to-do.
  ledgerInterventions: { name: 'ledgerInterventions', path: '/ledger/interventions', label: 'ledger.menu.interventions', roles: LEDGER_READERS },
  campaigns: { name: 'campaigns', path: '/ledger/campaigns', label: 'ledger.menu.campaigns', roles: LEDGER_READERS },
  campaign: { name: 'campaign', path: '/ledger/campaigns/:id', label: 'ledger.menu.campaign', roles: LEDGER_READERS },
  // The leadership and auditors read every department's scorecard, a department head their own.
  scorecards: { name: 'scorecards', path: '/ledger/scorecards', label: 'ledger.menu.scorecards', roles: ['leader', 'admin', 'auditor', 'dept_head'] },
  incidents: { name: 'incidents', path: '/emergency', label: 'emergency.menu.incidents', roles: EMERGENCY_READERS },
  incidentBoard: { name: 'incidentBoard', path: '/emergency/incidents/:id', label: 'emergency.menu.board', roles: EMERGENCY_READERS },
  emergencyPlans: { name: 'emergencyPlans', path: '/emergency/plans', label: 'emergency.menu.plans', roles: EMERGENCY_READERS },
  // emergency-svc's PLAN_KEEPERS write plans: a draft, or a new version of one.
  newPlan: { name: 'newPlan', path: '/emergency/plans/new', label: 'emergency.menu.newPlan', roles: ['admin', 'leader'] },
  editPlan: { name: 'editPlan', path: '/emergency/plans/:id/edit', label: 'emergency.menu.editPlan', roles: ['admin', 'leader'] },
  supplies: { name: 'supplies', path: '/emergency/supplies', label: 'emergency.menu.supplies', roles: EMERGENCY_STAFF },
  drills: { name: 'drills', path: '/emergency/drills', label: 'emergency.menu.drills', roles: EMERGENCY_STAFF },
  readiness: { name: 'readiness', path: '/emergency/readiness', label: 'emergency.menu.readiness', roles: EMERGENCY_STAFF },
  qualityDocuments: { name: 'qualityDocuments', path: '/quality/documents', label: 'quality.menu.documents', roles: QUALITY_READERS },
  qualityDocument: { name: 'qualityDocument', path: '/quality/documents/:id', label: 'quality.menu.document', roles: QUALITY_READERS },
  qualityCleanups: { name: 'qualityCleanups', path: '/quality/cleanups', label: 'quality.menu.cleanups', roles: QUALITY_STAFF },
  qualityCleanup: { name: 'qualityCleanup', path: '/quality/cleanups/:id', label: 'quality.menu.cleanup', roles: QUALITY_STAFF },
  qualityNonconformities: { name: 'qualityNonconformities', path: '/quality/nonconformities', label: 'quality.menu.nonconformities', roles: QUALITY_STAFF },
  qualityNonconformity: { name: 'qualityNonconformity', path: '/quality/nonconformities/:id', label: 'quality.menu.nonconformity', roles: QUALITY_STAFF },
  qualityAudits: { name: 'qualityAudits', path: '/quality/audits', label: 'quality.menu.audits', roles: QUALITY_STAFF },
  qualityAudit: { name: 'qualityAudit', path: '/quality/audits/:id', label: 'quality.menu.audit', roles: QUALITY_STAFF },
  qualityToRead: { name: 'qualityToRead', path: '/quality/to-read', label: 'quality.menu.toRead', roles: QUALITY_STAFF },
  // ledger-svc's objectives/ READERS: the bureau's people (a department's objective its own).
  qualityObjectives: { name: 'qualityObjectives', path: '/quality/objectives', label: 'quality.objective.menu', roles: QUALITY_STAFF },
  qualityObjective: { name: 'qualityObjective', path: '/quality/objectives/:id', label: 'quality.objective.one', roles: QUALITY_STAFF },
  // ledger-svc's reviews/ READERS: the bureau's people; each finds the reviews it may read.
  qualityReviews: { name: 'qualityReviews', path: '/quality/reviews', label: 'quality.review.menu', roles: QUALITY_STAFF },
  qualityReview: { name: 'qualityReview', path: '/quality/reviews/:id', label: 'quality.review.one', roles: QUALITY_STAFF },
} as const satisfies Record<string, Screen>

export type ScreenName = keyof typeof SCREENS

/** A group of the side menu: a heading and its screens, in the order shown. */
export interface MenuGroup {
  key: string
  label: string
  screens: Screen[]
}

const MENU: { key: string; label: string; screens: ScreenName[] }[] = [
  { key: 'cockpit', label: 'cockpit.menu.group', screens: ['cockpit'] },
  { key: 'requests', label: 'common.menu.requests', screens: ['newRequest', 'myRequests'] },
  { key: 'desk', label: 'common.menu.serviceDesk', screens: ['desk', 'escalations', 'departmentReport'] },
  { key: 'register', label: 'common.menu.register', screens: ['units', 'buildings', 'changes', 'compliance', 'renovations', 'housing', 'stocktakes', 'imports'] },
  { key: 'ledger', label: 'ledger.menu.group', screens: ['ledger', 'ledgerInterventions', 'campaigns', 'scorecards'] },
  { key: 'quality', label: 'quality.menu.group', screens: ['qualityDocuments', 'qualityToRead', 'qualityCleanups', 'qualityNonconformities', 'qualityAudits', 'qualityObjectives', 'qualityReviews'] },
  { key: 'emergency', label: 'emergency.menu.group', screens: ['incidents', 'emergencyPlans', 'supplies', 'drills', 'readiness'] },
  { key: 'admin', label: 'common.menu.administration', screens: ['users', 'clients', 'commitments', 'calendars', 'rules', 'messageLog'] },
  { key: 'personal', label: 'common.menu.personal', screens: ['inbox', 'contacts'] },
]

/** Public pages everyone may open (no sign-in), linked from the menu. */
export const PUBLIC_LINKS = [
  { path: '/board', label: 'common.menu.board' },
  { path: '/ratings', label: 'common.menu.ratings' },
] as const

export function mayOpen(screen: Screen, roles: readonly string[]): boolean {
  return screen.roles.some((role) => roles.includes(role))
}

/** The side menu of someone with these roles: only groups with a screen they may open. */
export function menuFor(roles: readonly string[]): MenuGroup[] {
  return MENU.map((group) => ({
    key: group.key,
    label: group.label,
    screens: group.screens.map((name) => SCREENS[name] as Screen).filter((screen) => mayOpen(screen, roles)),
  })).filter((group) => group.screens.length > 0)
}
