// The quality office (质量管理办公室): the department the bureau names in ledger-svc's
// QUALITY_OFFICE, whose people keep the procedure register as the admins do, run clean-ups
// and work and verify nonconformities. The console asks ledger-svc once who it is
// (GET quality/office) and offers its people what the keepers may do; ledger-svc checks again.
import { ref, type Ref } from 'vue'
import { api, must } from '@/api/client'
import type { Viewer } from '@/ledger/rules'

const BUREAU = ['admin', 'leader', 'dept_head', 'agent', 'auditor', 'commander']

let asked: Promise<string | null> | null = null
const office = ref<string | null>(null)

/** The quality office's department (null while unknown, or when the bureau names none).
 *  A served unit's staff do not ask: the register's keeping is none of theirs. */
export function useQualityOffice(viewer: Ref<Viewer>): Ref<string | null> {
  if (!asked && viewer.value.roles.some((role) => BUREAU.includes(role))) {
    asked = must(api.GET('/api/v1/ledger/quality/office'))
      .then((answer) => (office.value = answer.department ?? null))
      .catch(() => {
        // Unknown: the console offers what it knows, ledger-svc decides; ask again later.
        asked = null
        return null
      })
  }
  return office
}

/** The register's keepers (quality/policy.py is_keeper): an admin, or one of the quality
 *  office's people. */
export function isKeeper(viewer: Viewer, qualityOffice: string | null): boolean {
  if (viewer.roles.includes('admin')) return true
  return !!qualityOffice && viewer.department === qualityOffice && viewer.roles.some((role) => BUREAU.includes(role))
}
