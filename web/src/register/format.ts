// The property register's figures as people read them, and who sees every unit's.
import type { Role } from '@/roles'

const AREA = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

/** An area in square metres, to the centimetre's hundredth as the register keeps it. */
export function areaText(value: number): string {
  return `${AREA.format(value)} m²`
}

const MONEY = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY', minimumFractionDigits: 2 })

/** Yuan as the API gives them (a decimal string), or a dash for none. */
export function moneyText(value: string | null | undefined): string {
  return value == null ? '—' : MONEY.format(Number(value))
}

/** A difference from a standard: above zero with its sign, so "over" reads at a glance. */
export function differenceText(value: number): string {
  return value > 0 ? `+${areaText(value)}` : areaText(value)
}

/** asset-svc's policy: the bureau's roles see every unit; a unit's staff only their own. */
const BUREAU_ROLES: readonly Role[] = ['admin', 'leader', 'dept_head', 'agent', 'auditor', 'commander']

export function seesEveryUnit(roles: readonly string[]): boolean {
  return BUREAU_ROLES.some((role) => roles.includes(role))
}
