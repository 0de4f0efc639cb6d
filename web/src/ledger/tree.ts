// A plan's items as the ledger reads them: a tree (an item breaks down into sub-items), each
// with the progress ledger-svc rolled up from its children, its deadline against the
// baseline first set, and whether it is past that deadline.
import type { components } from '@/api/schema'

export type Item = components['schemas']['ItemRead']
export type DeadlineChange = components['schemas']['DeadlineChangeRead']

export interface LedgerNode {
  item: Item
  /** Its place in the tree as the paper ledger numbers it: `1`, `1.2`, `1.2.1`. */
  number: string
  children: LedgerNode[]
}

/** The items as a tree, each level in the order given (ledger-svc's: by deadline). An item
 *  whose parent is not among them stands at the top, so nothing read goes unshown. */
export function ledgerTree(items: readonly Item[]): LedgerNode[] {
  const nodes = new Map(items.map((item) => [item.id, { item, number: '', children: [] } as LedgerNode]))
  const roots: LedgerNode[] = []
  for (const node of nodes.values()) {
    const parent = node.item.parent_id ? nodes.get(node.item.parent_id) : undefined
    if (parent && parent !== node) parent.children.push(node)
    else roots.push(node)
  }
  const number = (level: LedgerNode[], prefix: string) =>
    level.forEach((node, index) => {
      node.number = `${prefix}${index + 1}`
      number(node.children, `${node.number}.`)
    })
  number(roots, '')
  return roots
}

/** The branches of the tree that hold an item `keep` accepts, each such item with all
 *  above it (its place in the plan) and all below it (its breakdown), numbers unchanged. */
export function branchesWith(roots: readonly LedgerNode[], keep: (item: Item) => boolean): LedgerNode[] {
  return roots.flatMap((node) => {
    if (keep(node.item)) return [node]
    const children = branchesWith(node.children, keep)
    return children.length ? [{ ...node, children }] : []
  })
}

/** The plan's progress: its top items' rolled up by weight, as ledger-svc rolls up a
 *  parent's from its children (null for a plan with no items yet). */
export function planProgress(roots: readonly LedgerNode[]): number | null {
  const weights = roots.reduce((sum, node) => sum + node.item.weight, 0)
  if (!weights) return null
  return roots.reduce((sum, node) => sum + node.item.weight * node.item.progress, 0) / weights
}

/** How many of the items are done, and how many overdue on the bureau's `today`. */
export function tally(items: readonly Item[], today: string): { total: number; done: number; overdue: number } {
  return {
    total: items.length,
    done: items.filter((item) => item.status === 'done').length,
    overdue: items.filter((item) => isOverdue(item, today)).length,
  }
}

/** The whole percent shown on a bar: 99.6 is not yet 100 (done is what ledger-svc says). */
export function wholePercent(progress: number): number {
  return progress >= 100 ? 100 : Math.min(99, Math.floor(progress))
}

/** Open and past its deadline in force on the bureau's `today` (YYYY-MM-DD). */
export function isOverdue(item: Pick<Item, 'status' | 'deadline'>, today: string): boolean {
  return item.status === 'open' && item.deadline < today
}

/** How a progress bar is coloured: done, overdue, or on its way. */
export function progressState(item: Pick<Item, 'status' | 'deadline'>, today: string): 'success' | 'exception' | undefined {
  if (item.status === 'done') return 'success'
  return isOverdue(item, today) ? 'exception' : undefined
}

/** Whether a leader has moved the deadline away from its baseline. */
export function deadlineMoved(item: Pick<Item, 'deadline' | 'original_deadline'>): boolean {
  return item.deadline !== item.original_deadline
}
