// Management reviews (管理评审; ISO 9001:2015 9.3) as the console shows them: who makes and
// runs one (ledger-svc's reviews/policy.py), its pack read as sections, and its refusals in
// words. The API types the pack as any JSON: its shape is reviews/pack.py's, written here.
import { must } from '@/api/client'
import { ApiError } from '@/api/problems'
import type { components } from '@/api/schema'
import words from '@/i18n/zh-CN/quality-review'
import type { Viewer } from '@/ledger/rules'
import { inWords } from '@/quality/documents'
import { isKeeper } from '@/quality/office'

export type Review = components['schemas']['ReviewRead']
export type ReviewDetail = components['schemas']['ReviewDetail']
export type ReviewStatus = components['schemas']['ReviewStatus']
export type Output = components['schemas']['OutputRead']
export type OutputStatus = components['schemas']['OutputStatus']

interface Ratio {
  counted: number
  met: number
  percent: number | null
}

export interface PackObjective {
  id: string
  title: string
  measure: string
  target: number
  direction: string
  year: number
  department: string | null
  counted: number
  met_count: number
  value: number | null
  met: boolean | null
}

export interface PreviousReview {
  id: string
  title: string
  held_on: string
  status: ReviewStatus
  outputs: { id: string; kind: 'decision' | 'action'; text: string; item_id: string | null; owner_id: string | null; deadline: string | null; status: OutputStatus }[]
  outputs_by_status: Record<OutputStatus, number>
}

export interface Pack {
  collected_at: string
  period: { from: string; to: string }
  audits: { held: number; findings_by_kind: Record<string, number>; by_severity: Record<string, number> }
  nonconformities: { opened: number; by_stage: Record<string, number>; by_source: Record<string, number>; open_now: number }
  satisfaction: Ratio
  sla_compliance: Ratio
  ledger_completion: Ratio
  objectives: PackObjective[]
  previous_review: PreviousReview | null
}

/** The pack of a review as pack.py writes it. */
export function packOf(review: Pick<ReviewDetail, 'pack'>): Pack {
  return review.pack as unknown as Pack
}

/** How many of the pack's objectives are met, missed, not judged yet. */
export function objectiveCounts(objectives: readonly Pick<PackObjective, 'met'>[]): { met: number; missed: number; none: number } {
  return {
    met: objectives.filter((one) => one.met === true).length,
    missed: objectives.filter((one) => one.met === false).length,
    none: objectives.filter((one) => one.met === null).length,
  }
}

/** Making a review: a leader or the keepers (an admin, the quality office). */
export function mayMakeReviews(viewer: Viewer, qualityOffice: string | null): boolean {
  return viewer.roles.includes('leader') || isKeeper(viewer, qualityOffice)
}

/** Running one (collecting again, holding, outputs, closing): them or its chair. */
export function mayRunReview(review: Pick<Review, 'chair_id'>, viewer: Viewer, qualityOffice: string | null): boolean {
  return mayMakeReviews(viewer, qualityOffice) || review.chair_id === viewer.id
}

/** Verifying an output: who runs the review, never the action's owner (an admin's word stands). */
export function mayVerifyOutput(output: Pick<Output, 'owner_id'>, review: Pick<Review, 'chair_id'>, viewer: Viewer, qualityOffice: string | null): boolean {
  if (output.owner_id && output.owner_id === viewer.id && !viewer.roles.includes('admin')) return false
  return mayRunReview(review, viewer, qualityOffice)
}

// The console's primary colour is its red: a review held or an output done is no alarm.
export function reviewTag(status: ReviewStatus): 'info' | 'warning' | 'success' {
  return ({ draft: 'info', held: 'warning', closed: 'success' } as const)[status]
}

export function outputTag(status: OutputStatus): 'warning' | 'info' | 'success' {
  return ({ open: 'warning', done: 'info', verified: 'success' } as const)[status]
}

/** A refusal of a review said in Chinese before ledger-svc's words (the register's rules too). */
export function reviewInWords(error: unknown): unknown {
  if (error instanceof ApiError && error.rule && words.reviewRules[error.rule]) {
    const rule = words.reviewRules[error.rule]
    return new ApiError({ ...error, detail: error.detail ? `${rule}（${error.detail}）` : rule })
  }
  return inWords(error)
}

export async function mustSayReview<T>(call: Promise<{ data?: T }>): Promise<T> {
  try {
    return await must(call)
  } catch (error) {
    throw reviewInWords(error)
  }
}
