// Internal audits (内部审核; ISO 9001:2015 9.2) and read-and-acknowledge (制度学习; 7.3,
// 7.5.3) as the console shows them: who may plan, start, assess, report and close an audit
// (ledger-svc's audits/policy.py; the console offers only that, ledger-svc checks again), a
// scope typed as a list, and who distributes a document.
import type { components } from '@/api/schema'
import type { Viewer } from '@/ledger/rules'
import { isKeeper } from '@/quality/office'

export type Audit = components['schemas']['AuditRead']
export type AuditDetail = components['schemas']['AuditDetail']
export type AuditStatus = components['schemas']['AuditStatus']
export type ChecklistLine = components['schemas']['ChecklistLineRead']
export type Finding = components['schemas']['ledger_FindingRead']
export type FindingKind = components['schemas']['FindingKind']
export type Severity = components['schemas']['Severity']
export type Programme = components['schemas']['ProgrammeRead']
export type ToRead = components['schemas']['ToRead']
export type ReadingStatus = components['schemas']['ReadingStatus']
export type Distribution = components['schemas']['DistributionRead']
export type ConcernedRole = components['schemas']['ConcernedRole']

export const AUDIT_STATUSES: readonly AuditStatus[] = ['planned', 'in_progress', 'reported', 'closed']
export const FINDING_KINDS: readonly FindingKind[] = ['conformity', 'nonconformity', 'observation', 'improvement']
export const SEVERITIES: readonly Severity[] = ['minor', 'major']
export const CONCERNED_ROLES: readonly ConcernedRole[] = ['admin', 'leader', 'dept_head', 'agent', 'auditor', 'commander']

/** A list typed in one line: split at 、，, ; and spaces, each once, blanks dropped. */
export function splitList(text: string): string[] {
  const seen: string[] = []
  for (const part of text.split(/[、,，;；\s]+/)) {
    const one = part.trim()
    if (one && !seen.includes(one)) seen.push(one)
  }
  return seen
}

/** Planning and closing: a keeper (an admin, the quality office) or a leader. */
export function mayPlan(viewer: Viewer, qualityOffice: string | null): boolean {
  return isKeeper(viewer, qualityOffice) || viewer.roles.includes('leader')
}

/** Starting: a keeper or the audit's lead auditor. */
export function mayStart(audit: Pick<Audit, 'lead_auditor_id'>, viewer: Viewer, qualityOffice: string | null): boolean {
  return isKeeper(viewer, qualityOffice) || viewer.id === audit.lead_auditor_id
}

/** Recording findings: the audit's team. */
export function onTheTeam(audit: Pick<AuditDetail, 'auditors'>, viewer: Viewer): boolean {
  return audit.auditors.some((auditor) => auditor.person_id === viewer.id)
}

/** Distributing a document in force: its owner or a keeper. */
export function mayDistribute(document: { owner_id: string }, viewer: Viewer, qualityOffice: string | null): boolean {
  return isKeeper(viewer, qualityOffice) || viewer.id === document.owner_id
}

export function statusTag(status: AuditStatus): 'info' | 'primary' | 'warning' | 'success' {
  return ({ planned: 'info', in_progress: 'primary', reported: 'warning', closed: 'success' } as const)[status]
}

export function findingTag(finding: Pick<Finding, 'kind' | 'severity'>): 'success' | 'danger' | 'warning' | 'info' {
  if (finding.kind === 'nonconformity') return finding.severity === 'major' ? 'danger' : 'warning'
  return finding.kind === 'conformity' ? 'success' : 'info'
}

/** The nonconformity findings still without their nonconformity (closing waits for them). */
export function findingsWithoutNonconformity(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.kind === 'nonconformity' && !finding.nonconformity_id)
}

const BUREAU = ['admin', 'leader', 'dept_head', 'agent', 'auditor', 'commander']

/** Tells ledger-svc, once a sign-in, who this person is (their department and roles): it
 *  counts who has not yet read a document among the people it knows, those who asked for
 *  their documents to read (acknowledgements/models.py). A failure is of no consequence. */
export function announceReader(roles: readonly string[], ask: () => Promise<unknown>): void {
  if (!roles.some((role) => BUREAU.includes(role))) return
  void ask().catch(() => undefined)
}
