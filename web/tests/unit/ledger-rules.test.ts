import { describe, expect, it } from 'vitest'
import {
  interventionActions,
  mayCloseCampaign,
  mayFollow,
  mayIntervene,
  mayMakePlan,
  mayMoveDeadline,
  mayReport,
  mayShape,
  mayWriteCampaigns,
  shapesSomeDepartment,
  type Viewer,
} from '@/ledger/rules'

const OWNER: Viewer = { id: 'owner-1', roles: ['agent'], department: '综合处' }
const COLLEAGUE: Viewer = { id: 'colleague-1', roles: ['agent'], department: '综合处' }
const HEAD: Viewer = { id: 'head-1', roles: ['dept_head'], department: '综合处' }
const OTHER_HEAD: Viewer = { id: 'head-2', roles: ['dept_head'], department: '财务处' }
const LEADER: Viewer = { id: 'leader-1', roles: ['leader'] }
const ADMIN: Viewer = { id: 'admin-1', roles: ['admin'] }
const AUDITOR: Viewer = { id: 'auditor-1', roles: ['auditor'] }

const leaf = { owner_id: 'owner-1', department: '综合处', has_children: false }

describe('who reports and who moves a deadline', () => {
  it('lets the owner alone report, on a leaf only', () => {
    expect(mayReport(leaf, OWNER)).toBe(true)
    expect(mayReport({ ...leaf, has_children: true }, OWNER)).toBe(false)
    for (const viewer of [COLLEAGUE, HEAD, LEADER, ADMIN]) expect(mayReport(leaf, viewer)).toBe(false)
  })

  it('leaves deadlines and interventions to leaders', () => {
    expect(mayMoveDeadline(LEADER)).toBe(true)
    expect(mayIntervene(LEADER)).toBe(true)
    for (const viewer of [OWNER, HEAD, ADMIN, AUDITOR]) {
      expect(mayMoveDeadline(viewer)).toBe(false)
      expect(mayIntervene(viewer)).toBe(false)
    }
  })
})

describe('who shapes the ledger', () => {
  it("lets admins and leaders make plans and shape any department's items, a head their own", () => {
    expect(mayMakePlan(ADMIN) && mayMakePlan(LEADER)).toBe(true)
    expect(mayMakePlan(HEAD)).toBe(false)
    expect(mayShape(LEADER, '财务处') && mayShape(ADMIN, '财务处')).toBe(true)
    expect(mayShape(HEAD, '综合处')).toBe(true)
    expect(mayShape(OTHER_HEAD, '综合处')).toBe(false)
    expect(mayShape(OWNER, '综合处')).toBe(false)
    expect(shapesSomeDepartment(HEAD)).toBe(true)
    expect(shapesSomeDepartment({ ...HEAD, department: null })).toBe(false)
    expect(shapesSomeDepartment(OWNER)).toBe(false)
  })
})

describe('interventions', () => {
  it('are followed by the leadership, the department head and the owner', () => {
    for (const viewer of [LEADER, ADMIN, AUDITOR, HEAD, OWNER]) expect(mayFollow(leaf, viewer)).toBe(true)
    for (const viewer of [COLLEAGUE, OTHER_HEAD]) expect(mayFollow(leaf, viewer)).toBe(false)
  })

  it('go issued → acknowledged → answered by the owner, and are closed by a leader', () => {
    expect(interventionActions({ status: 'issued' }, 'owner-1', OWNER)).toEqual(['acknowledge', 'answer'])
    expect(interventionActions({ status: 'acknowledged' }, 'owner-1', OWNER)).toEqual(['answer'])
    expect(interventionActions({ status: 'answered' }, 'owner-1', OWNER)).toEqual([])
    expect(interventionActions({ status: 'answered' }, 'owner-1', LEADER)).toEqual(['close'])
    expect(interventionActions({ status: 'issued' }, 'owner-1', LEADER)).toEqual(['close'])
    expect(interventionActions({ status: 'closed' }, 'owner-1', LEADER)).toEqual([])
    expect(interventionActions({ status: 'issued' }, 'owner-1', HEAD)).toEqual([])
  })
})

describe('campaigns', () => {
  const running = { ends_on: '2026-06-30', closed_at: null }

  it('are written by admins and leaders', () => {
    expect(mayWriteCampaigns(ADMIN) && mayWriteCampaigns(LEADER)).toBe(true)
    for (const viewer of [OWNER, HEAD, AUDITOR]) expect(mayWriteCampaigns(viewer)).toBe(false)
  })

  it('are closed after their last day by a writer, before it by a leader only, and once', () => {
    expect(mayCloseCampaign(running, ADMIN, '2026-06-30')).toBe(false)
    expect(mayCloseCampaign(running, ADMIN, '2026-07-01')).toBe(true)
    expect(mayCloseCampaign(running, LEADER, '2026-06-01')).toBe(true)
    expect(mayCloseCampaign(running, HEAD, '2026-07-01')).toBe(false)
    expect(mayCloseCampaign({ ...running, closed_at: '2026-07-02T00:00:00Z' }, LEADER, '2026-07-03')).toBe(false)
  })
})
