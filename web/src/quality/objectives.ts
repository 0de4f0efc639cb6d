// Quality objectives (质量目标; ISO 9001:2015 6.2) as the console shows them: who sets one
// (ledger-svc's objectives/policy.py: a leader, an admin or the quality office), whether it
// is met in words, and its trend by month as a line against the target, with the same months
// as rows of a table for those who cannot read the chart.
import type { components } from '@/api/schema'
import type { Viewer } from '@/ledger/rules'
import { isKeeper } from '@/quality/office'

export type Objective = components['schemas']['ObjectiveRead']
export type ObjectiveDetail = components['schemas']['ObjectiveDetail']
export type Measure = components['schemas']['Measure']
export type Direction = components['schemas']['Direction']
export type MonthValue = components['schemas']['MonthValue']

export const MEASURES: readonly Measure[] = ['sla_compliance', 'satisfaction', 'ledger_completion', 'nonconformities_on_time']
export const DIRECTIONS: readonly Direction[] = ['at_least', 'at_most']

/** Setting an objective: a leader, or the quality system's keepers. */
export function maySetObjectives(viewer: Viewer, qualityOffice: string | null): boolean {
  return viewer.roles.includes('leader') || isKeeper(viewer, qualityOffice)
}

/** Where an objective (or a month) stands: met, missed, or nothing to judge yet. */
export type Standing = 'met' | 'missed' | 'none'

export function standingOf(met: boolean | null | undefined): Standing {
  return met === true ? 'met' : met === false ? 'missed' : 'none'
}

export function standingTag(standing: Standing): 'success' | 'danger' | 'info' {
  return ({ met: 'success', missed: 'danger', none: 'info' } as const)[standing]
}

/** A percentage as read: one decimal at most, and a dash for nothing counted. */
export function percent(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—'
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`
}

/** `2026-03` → `3月`. */
export function monthLabel(month: string): string {
  return `${Number(month.slice(5, 7))}月`
}

/** The months the chart draws: the label, and the value (null: a gap in the line). */
export function trendSeries(trend: readonly MonthValue[]): { months: string[]; values: (number | null)[] } {
  return { months: trend.map((month) => monthLabel(month.month)), values: trend.map((month) => month.value) }
}
