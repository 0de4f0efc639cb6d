import { describe, expect, it, vi } from 'vitest'
import { announceReader, findingTag, findingsWithoutNonconformity, mayDistribute, mayPlan, mayStart, onTheTeam, splitList } from '@/quality/audits'

const OFFICE = '质量管理办公室'
const keeper = { id: 'k', roles: ['agent'], department: OFFICE }
const clerk = { id: 'c', roles: ['agent'], department: '办公室' }

describe('internal audits and read-and-acknowledge', () => {
  it('reads a typed list as people write it, each once', () => {
    expect(splitList('办公室、财务处, 办公室；后勤处  ')).toEqual(['办公室', '财务处', '后勤处'])
    expect(splitList('  ')).toEqual([])
  })

  it('offers planning to the keepers and leaders, starting to the lead auditor too', () => {
    expect(mayPlan(keeper, OFFICE)).toBe(true)
    expect(mayPlan({ id: 'l', roles: ['leader'] }, OFFICE)).toBe(true)
    expect(mayPlan(clerk, OFFICE)).toBe(false)
    expect(mayPlan(keeper, null)).toBe(false)
    expect(mayStart({ lead_auditor_id: 'c' }, clerk, OFFICE)).toBe(true)
    expect(mayStart({ lead_auditor_id: 'x' }, clerk, OFFICE)).toBe(false)
    expect(onTheTeam({ auditors: [{ person_id: 'c', department: '办公室', lead: false }] }, clerk)).toBe(true)
  })

  it('colours findings by kind and severity, and names those still without a nonconformity', () => {
    expect(findingTag({ kind: 'nonconformity', severity: 'major' })).toBe('danger')
    expect(findingTag({ kind: 'nonconformity', severity: 'minor' })).toBe('warning')
    expect(findingTag({ kind: 'conformity', severity: null })).toBe('success')
    expect(findingTag({ kind: 'improvement', severity: null })).toBe('info')
    const finding = (kind: 'nonconformity' | 'observation', nonconformity_id: string | null) =>
      ({ id: kind, audit_id: 'a', line_id: null, code: null, kind, severity: null, evidence: '', department: null, procedure_code: null, recorded_at: '', recorded_by: '', nonconformity_id })
    expect(findingsWithoutNonconformity([finding('nonconformity', null), finding('nonconformity', 'n'), finding('observation', null)])).toHaveLength(1)
  })

  it('offers distributing to the owner and the keepers, and announces only the bureau’s people', () => {
    expect(mayDistribute({ owner_id: 'c' }, clerk, OFFICE)).toBe(true)
    expect(mayDistribute({ owner_id: 'x' }, clerk, OFFICE)).toBe(false)
    expect(mayDistribute({ owner_id: 'x' }, keeper, OFFICE)).toBe(true)
    const ask = vi.fn(() => Promise.resolve())
    announceReader(['unit_staff'], ask)
    expect(ask).not.toHaveBeenCalled()
    announceReader(['agent'], ask)
    expect(ask).toHaveBeenCalledOnce()
  })
})
