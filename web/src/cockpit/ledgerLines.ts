// The ledger's exceptions as the cockpit lists them: one line per item, however many of its
// rules it breaks (an item long past its deadline is often stalled too), in the order the
// worst of them came.
import type { components } from '@/api/schema'

type LedgerException = components['schemas']['ledger_ExceptionRead']

export interface LedgerLine {
  item: LedgerException['item']
  reasons: Pick<LedgerException, 'reason' | 'reason_label' | 'since'>[]
  intervened: boolean
}

export function ledgerLines(exceptions: readonly LedgerException[]): LedgerLine[] {
  const lines = new Map<string, LedgerLine>()
  for (const { item, reason, reason_label, since, open_interventions } of exceptions) {
    const line = lines.get(item.id) ?? { item, reasons: [], intervened: false }
    line.reasons.push({ reason, reason_label, since })
    line.intervened ||= open_interventions.length > 0
    lines.set(item.id, line)
  }
  return [...lines.values()]
}
