// The procedure register (制度与流程) as the console shows it: what the viewer may do with a
// document and its revisions, as ledger-svc's quality/policy.py says (the console offers
// only that; ledger-svc checks again and its refusal is shown), and a revision diff read
// line by line for the page.
import { must } from '@/api/client'
import { ApiError } from '@/api/problems'
import type { components } from '@/api/schema'
import words from '@/i18n/zh-CN/quality'
import type { Viewer } from '@/ledger/rules'
import { isKeeper } from '@/quality/office'

export type Document = components['schemas']['DocumentRead']
export type DocumentDetail = components['schemas']['DocumentDetail']
export type DocumentKind = components['schemas']['DocumentKind']
export type DocumentStatus = components['schemas']['DocumentStatus']
export type Revision = components['schemas']['RevisionRead']
export type RevisionHeading = components['schemas']['RevisionHeading']
export type RevisionStatus = components['schemas']['RevisionStatus']
export type Approval = components['schemas']['ApprovalRead']
export type RevisionDiff = components['schemas']['RevisionDiff']

export const KINDS: readonly DocumentKind[] = ['regulation', 'procedure', 'form', 'external']
export const DOCUMENT_STATUSES: readonly DocumentStatus[] = ['effective', 'draft', 'abolished']
/** A revision still on its way to being in force: one at a time per document. */
export const ON_ITS_WAY: readonly RevisionStatus[] = ['draft', 'in_review', 'approved']

/** Who may call the writing routes at all (policy.DRAFTERS); the department narrows it. */
const DRAFTERS = ['admin', 'dept_head', 'agent']
const DEPARTMENT_STAFF = ['dept_head', 'agent']
const has = (viewer: Viewer, ...roles: string[]) => viewer.roles.some((role) => roles.includes(role))

/** Whether the viewer enters documents at all: an admin, a department's head or agent (their
 *  own department's, or any when theirs is the quality office: ledger-svc decides). */
export function mayEnterDocuments(viewer: Viewer): boolean {
  return has(viewer, ...DRAFTERS)
}

/** Drafting a document of `department` (starting, editing and submitting its drafts): an
 *  admin, the department's own staff, the quality office's (`qualityOffice`: it drafts any
 *  department's), and whoever wrote the draft at hand (they were let write it). */
export function mayDraft(viewer: Viewer, department: string, authorId?: string | null, qualityOffice: string | null = null): boolean {
  if (has(viewer, 'admin')) return true
  if (!has(viewer, ...DEPARTMENT_STAFF)) return false
  if (isKeeper(viewer, qualityOffice)) return true
  return viewer.department === department || (!!authorId && authorId === viewer.id)
}

/** 废止: a leader, an admin or the quality office's people (GET quality/office). */
export function mayAbolish(viewer: Viewer, qualityOffice: string | null = null): boolean {
  return has(viewer, 'admin', 'leader') || isKeeper(viewer, qualityOffice)
}

/** Approving or rejecting is for those the revision waits for now (ledger-svc's `awaiting`:
 *  the next in a sequence, every undecided one when all approve in any order). */
export function mayDecide(revision: Pick<Revision, 'status' | 'awaiting'>, viewer: Viewer): boolean {
  return revision.status === 'in_review' && revision.awaiting.includes(viewer.id)
}

/** The tag colour of a revision's status. */
export function revisionTag(status: RevisionStatus): 'success' | 'warning' | 'primary' | 'info' | 'danger' {
  return (
    { draft: 'info', in_review: 'warning', approved: 'primary', effective: 'success', superseded: 'info', abolished: 'danger' } as const
  )[status]
}

export function documentTag(status: DocumentStatus): 'success' | 'info' | 'danger' {
  return ({ draft: 'info', effective: 'success', abolished: 'danger' } as const)[status]
}

/** The revision a document's page shows first: the one in force, else the newest the
 *  viewer may read (a draft never in force, or the last one before abolition). */
export function revisionShownFirst(document: Pick<Document, 'effective_revision'>, revisions: readonly RevisionHeading[]): number | null {
  if (document.effective_revision !== null) return document.effective_revision
  const last = revisions[revisions.length - 1]
  return last ? last.number : null
}

/** The revision on its way (draft, in review, approved not yet in force), if any. */
export function revisionOnItsWay(revisions: readonly RevisionHeading[]): RevisionHeading | undefined {
  return revisions.find((revision) => ON_ITS_WAY.includes(revision.status))
}

/** Where an approver of a round stands: decided, whose turn it is, or waiting on those
 *  before them (in a sequence), or the round is over without them (after a rejection). */
export type ApprovalState = 'approved' | 'rejected' | 'awaited' | 'queued' | 'notReached'

export function approvalState(approval: Approval, revision: Pick<Revision, 'status' | 'awaiting'>): ApprovalState {
  if (approval.decision === 'approved') return 'approved'
  if (approval.decision === 'rejected') return 'rejected'
  if (revision.awaiting.includes(approval.approver_id)) return 'awaited'
  return revision.status === 'in_review' ? 'queued' : 'notReached'
}

export function approvalTag(state: ApprovalState): 'success' | 'danger' | 'warning' | 'info' {
  return ({ approved: 'success', rejected: 'danger', awaited: 'warning', queued: 'info', notReached: 'info' } as const)[state]
}

/** A line of a diff as the page shows it: added, removed, unchanged, or where a part of the
 *  text begins (`@@ -3,4 +3,5 @@`: from line 3 of the older, line 3 of the newer). */
export type DiffLine =
  | { kind: 'added' | 'removed' | 'same'; text: string; before: number | null; after: number | null }
  | { kind: 'part'; before: number; after: number }

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/

/** ledger-svc's unified diff (difflib, without line ends), line by line with the line
 *  numbers of each side; the two file headers (`---`, `+++`) are left out. */
export function diffLines(unified: readonly string[]): DiffLine[] {
  const lines: DiffLine[] = []
  let before = 0
  let after = 0
  let headers = true
  for (const line of unified) {
    const hunk = HUNK.exec(line)
    if (hunk) {
      headers = false
      before = Number(hunk[1])
      after = Number(hunk[2])
      // An empty side's hunk starts at 0 ("-0,0"): its first line would be line 1.
      lines.push({ kind: 'part', before: Math.max(before, 1), after: Math.max(after, 1) })
      if (before === 0) before = 1
      if (after === 0) after = 1
      continue
    }
    if (headers) continue
    const mark = line.charAt(0)
    const text = line.slice(1)
    if (mark === '+') lines.push({ kind: 'added', text, before: null, after: after++ })
    else if (mark === '-') lines.push({ kind: 'removed', text, before: before++, after: null })
    else lines.push({ kind: 'same', text, before: before++, after: after++ })
  }
  return lines
}

/** How many lines were added and removed. */
export function diffCounts(lines: readonly DiffLine[]): { added: number; removed: number } {
  return {
    added: lines.filter((line) => line.kind === 'added').length,
    removed: lines.filter((line) => line.kind === 'removed').length,
  }
}

/** A refusal with a rule of the register said in Chinese before ledger-svc's own words;
 *  any other error as it came. */
export function inWords(error: unknown): unknown {
  if (!(error instanceof ApiError) || !error.rule) return error
  const rule = words.rules[error.rule]
  if (!rule) return error
  return new ApiError({ ...error, detail: error.detail ? `${rule}（${error.detail}）` : rule })
}

/** `must`, a refusal thrown in words (`inWords`). */
export async function mustSay<T>(call: Promise<{ data?: T }>): Promise<T> {
  try {
    return await must(call)
  } catch (error) {
    throw inWords(error)
  }
}
