// The procedure register (制度与流程) in a browser against the real platform: the quality
// office drafts a procedure and submits it to two approvers in order; the first approves,
// the second sends it back with a reason; the author revises and resubmits, both approve and
// it is in force. A newer revision supersedes it and the comparison shows what changed. A
// served unit's staff member finds only what is published to the units, in force, and none
// of its history or its drafting.
import type { APIRequestContext, Locator, Page } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { ADMIN_PASSWORD, apiAs, expect, expectAccessible, mainMenu, moveClock, newUser, photograph, signIn, signOut, test, type NewUser } from './support'

// The department the test stack names in GUANJIA_LEDGER_QUALITY_OFFICE (tests/console).
const QUALITY_OFFICE = '质量管理办公室'

function bureauToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
}

function dialogOf(page: Page, title: string): Locator {
  return page.getByRole('dialog', { name: title })
}

/** Sends the form of the dialog titled `title` with `button` and waits until it has gone. */
async function submitDialog(page: Page, title: string, button: string): Promise<void> {
  const dialog = dialogOf(page, title)
  await dialog.getByRole('button', { name: button, exact: true }).click()
  await expect(dialog).toBeHidden()
}

/** Picks `option` in the Element Plus select labelled `label` inside `scope`. */
async function pick(page: Page, scope: Locator | Page, label: string, option: string): Promise<void> {
  await scope.locator('.el-select').filter({ has: page.getByRole('combobox', { name: label }) }).click()
  await page.getByRole('option', { name: option, exact: true }).click()
  await expect(page.getByRole('option', { name: option, exact: true })).toBeHidden()
}

async function fillDate(scope: Locator, label: string, day: string): Promise<void> {
  await scope.getByLabel(label, { exact: true }).fill(day)
  await scope.getByLabel(label, { exact: true }).press('Enter')
}

/** From the menu to the register, the documents found by `code` (of `status`), and the one. */
async function openDocument(page: Page, code: string, title: string, status?: string): Promise<void> {
  await mainMenu(page).getByRole('link', { name: '制度与流程' }).click()
  await expect(page.getByRole('heading', { name: '制度与流程', level: 1 })).toBeVisible()
  if (status) await pick(page, page, '状态', status)
  await page.getByLabel('按编号或名称查找').fill(code)
  await page.getByTestId('quality-documents').getByRole('link', { name: title }).click()
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible()
}

async function submitTo(page: Page, approvers: NewUser[], mode?: string, photo?: string): Promise<void> {
  await page.getByRole('button', { name: '提交审批' }).click()
  const dialog = dialogOf(page, '提交审批')
  if (mode) await dialog.getByRole('radio', { name: mode }).check({ force: true })
  for (const approver of approvers) await pick(page, dialog, '添加审批人', approver.display_name)
  await expect(dialog.getByRole('list', { name: '审批人' }).getByRole('listitem')).toHaveCount(approvers.length)
  if (photo) {
    await expectAccessible(page)
    await photograph(page, photo)
  }
  await submitDialog(page, '提交审批', '提交')
  await expect(page.getByTestId('revision-shown')).toContainText('审批中')
}

async function decide(page: Page, code: string, title: string, action: '审批同意' | '退回修改', words: string): Promise<void> {
  await openDocument(page, code, title, '未生效')
  await page.getByRole('button', { name: action }).click()
  const dialog = dialogOf(page, action)
  await dialog.getByLabel(action === '审批同意' ? '审批意见（可不填）' : '退回理由').fill(words)
  if (action === '退回修改') await photograph(page, 'quality-reject')
  await submitDialog(page, action, action === '审批同意' ? '同意' : '退回')
}

async function ok(answer: Awaited<ReturnType<APIRequestContext['post']>>, status = 200): Promise<{ id: string }> {
  expect(answer.status(), await answer.text()).toBe(status)
  return (await answer.json()) as { id: string }
}

const FIRST_TEXT = ['第一条 为规范公务用车使用，制定本流程。', '第二条 用车人填写用车申请单。', '第三条 车辆管理处审批后派车。', '第四条 本流程自发布之日起施行。'].join('\n')

test('the quality office drafts a procedure, two approvers in order send it back and then approve it, a newer revision supersedes it', async ({ page }) => {
  test.setTimeout(240_000)
  const suffix = randomUUID().slice(0, 8)
  const code = `GJ-LC-${suffix}`
  const title = `公务用车申请流程${suffix}`
  const today = bureauToday()
  const nextReview = `${Number(today.slice(0, 4)) + 1}-12-31`
  const [drafter, deputy, director, unitStaff] = await Promise.all([
    newUser(['agent'], { department: QUALITY_OFFICE, display_name: `质量办科员${suffix}` }),
    newUser(['dept_head'], { department: QUALITY_OFFICE, display_name: `质量办副主任${suffix}` }),
    newUser(['dept_head'], { department: QUALITY_OFFICE, display_name: `质量办主任${suffix}` }),
    newUser(['unit_staff'], { unit_id: randomUUID(), display_name: `单位联络员${suffix}` }),
  ])

  // A document of the bureau's own, in force and not published to the units: the unit's
  // staff member must not find it.
  const internalTitle = `车辆维修费用审核规定${suffix}`
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const internal = await ok(
      await admin.post('/api/v1/ledger/quality/documents', {
        data: { code: `GJ-ZD-${suffix}`, kind: 'procedure', department: QUALITY_OFFICE, owner_id: director.id, title: internalTitle, text: '第一条 维修费用由车辆管理处审核。', effective_on: today, next_review_on: nextReview },
      }),
      201,
    )
    await ok(await admin.post(`/api/v1/ledger/quality/documents/${internal.id}/revisions/1/submit`, { data: { approvers: [director.id] } }))
  } finally {
    await admin.dispose()
  }
  const approver = await apiAs(director.username, director.password)
  try {
    const found = (await (await approver.get('/api/v1/ledger/quality/documents', { params: { q: `GJ-ZD-${suffix}`, status: 'draft' } })).json()) as { items: { id: string }[] }
    await ok(await approver.post(`/api/v1/ledger/quality/documents/${found.items[0]!.id}/revisions/1/approve`, { data: {} }))
  } finally {
    await approver.dispose()
  }

  // The quality office drafts it: saving tells nobody.
  await signIn(page, drafter.username, drafter.password)
  await mainMenu(page).getByRole('link', { name: '制度与流程' }).click()
  await expect(page.getByRole('heading', { name: '制度与流程', level: 1 })).toBeVisible()
  await page.getByRole('button', { name: '新建文件' }).click()
  let dialog = dialogOf(page, '新建文件')
  await dialog.getByLabel('文件编号').fill(code)
  await pick(page, dialog, '类别', '办事流程')
  await expect(dialog.getByLabel('归口处室')).toHaveValue(QUALITY_OFFICE)
  await pick(page, dialog, '责任人', director.display_name)
  await dialog.getByText('生效后向服务单位公开').click()
  await dialog.getByLabel('文件名称').fill(title)
  await dialog.getByLabel('所属过程').fill('公务用车管理')
  await dialog.getByLabel('正文').fill(FIRST_TEXT)
  await fillDate(dialog, '生效日期', today)
  await fillDate(dialog, '下次复审日期', nextReview)
  await expectAccessible(page)
  await photograph(page, 'quality-new-document')
  await submitDialog(page, '新建文件', '保存草稿')
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible()
  await expect(page.getByTestId('revision-shown')).toContainText('草稿')
  await expect(page.getByTestId('revision-text')).toContainText('第三条 车辆管理处审批后派车。')

  // Submitted to two approvers in order: the deputy first, then the director.
  await submitTo(page, [deputy, director], undefined, 'quality-submit')
  const approvals = page.getByTestId('revision-approvals')
  await expect(approvals.getByRole('listitem')).toHaveText([
    new RegExp(`1\\. ${deputy.display_name}\\s*待其审批`),
    new RegExp(`2\\. ${director.display_name}\\s*等待前一位审批`),
  ])
  await expect(page.getByRole('button', { name: '审批同意' })).toHaveCount(0)
  await expectAccessible(page)
  await photograph(page, 'quality-in-review')
  await signOut(page)

  // The director is not asked before the deputy has decided.
  await signIn(page, director.username, director.password)
  await openDocument(page, code, title, '未生效')
  await expect(page.getByTestId('revision-approvals')).toContainText('等待前一位审批')
  await expect(page.getByRole('button', { name: '审批同意' })).toHaveCount(0)
  await signOut(page)

  await signIn(page, deputy.username, deputy.password)
  await decide(page, code, title, '审批同意', '同意，流程清楚')
  await expect(page.getByTestId('revision-approvals').getByRole('listitem').first()).toContainText('已同意')
  await signOut(page)

  await signIn(page, director.username, director.password)
  await decide(page, code, title, '退回修改', '第三条应写明审批时限')
  await expect(page.getByTestId('revision-rejection')).toContainText('第三条应写明审批时限')
  await signOut(page)

  // The author reads why, revises the draft and submits it again; both approve.
  await signIn(page, drafter.username, drafter.password)
  await openDocument(page, code, title, '未生效')
  await expect(page.getByTestId('revision-rejection')).toContainText('第三条应写明审批时限')
  await expectAccessible(page)
  await photograph(page, 'quality-rejected')
  await page.getByRole('button', { name: '编辑草稿' }).click()
  dialog = dialogOf(page, '编辑草稿')
  await dialog.getByLabel('正文').fill(FIRST_TEXT.replace('第三条 车辆管理处审批后派车。', '第三条 车辆管理处在一个工作日内审批并派车。'))
  await submitDialog(page, '编辑草稿', '保存草稿')
  await expect(page.getByTestId('revision-text')).toContainText('一个工作日内')
  await submitTo(page, [deputy, director])
  await signOut(page)

  for (const person of [deputy, director]) {
    await signIn(page, person.username, person.password)
    await decide(page, code, title, '审批同意', '同意')
    await signOut(page)
  }

  // In force from today: the register lists it, its page shows its text.
  await signIn(page, drafter.username, drafter.password)
  await openDocument(page, code, title)
  await expect(page.getByRole('heading', { name: title, level: 1 })).toContainText('现行有效')
  await expect(page.getByTestId('revision-shown')).toContainText('第 1 版')
  await expect(page.getByTestId('revision-approvals').getByRole('listitem')).toHaveText([/已同意/, /已同意/])

  // A newer revision: both approve it together (会签), and it supersedes the first.
  await page.getByRole('button', { name: '修订' }).click()
  dialog = dialogOf(page, '修订文件')
  await expect(dialog.getByLabel('正文')).toHaveValue(/一个工作日内/)
  await dialog
    .getByLabel('正文')
    .fill(FIRST_TEXT.replace('第三条 车辆管理处审批后派车。', '第三条 车辆管理处在一个工作日内审批并派车。').replace('第二条 用车人填写用车申请单。', '第二条 用车人在网上办事大厅填写用车申请。'))
  await fillDate(dialog, '生效日期', today)
  await fillDate(dialog, '下次复审日期', nextReview)
  await submitDialog(page, '修订文件', '保存草稿')
  await expect(page.getByTestId('revision-shown')).toContainText('第 2 版')
  // Saved without the reason for the change, it is refused when submitted, in words.
  await page.getByRole('button', { name: '提交审批' }).click()
  dialog = dialogOf(page, '提交审批')
  await pick(page, dialog, '添加审批人', deputy.display_name)
  await dialog.getByRole('button', { name: '提交', exact: true }).click()
  await expect(page.locator('.el-message').filter({ hasText: '提交审批前须填写生效日期、下次复审日期、正文和修订理由' })).toBeVisible()
  await dialog.getByRole('button', { name: '取消' }).click()
  await expect(dialog).toBeHidden()
  await page.getByRole('button', { name: '编辑草稿' }).click()
  dialog = dialogOf(page, '编辑草稿')
  await dialog.getByLabel('修订理由').fill('用车申请改为网上办理')
  await submitDialog(page, '编辑草稿', '保存草稿')
  await submitTo(page, [deputy, director], '会签（全部同意，不分先后）')
  await expect(page.getByTestId('revision-approvals').getByRole('listitem')).toHaveText([/待其审批/, /待其审批/])
  await signOut(page)

  for (const person of [director, deputy]) {
    await signIn(page, person.username, person.password)
    await openDocument(page, code, title)
    await page.getByRole('button', { name: '查看该版本' }).click()
    await page.getByRole('button', { name: '审批同意' }).click()
    await submitDialog(page, '审批同意', '同意')
    await signOut(page)
  }

  await signIn(page, drafter.username, drafter.password)
  await openDocument(page, code, title)
  await expect(page.getByTestId('revision-shown')).toContainText('第 2 版')
  await expect(page.getByTestId('revision-text')).toContainText('网上办事大厅')
  const history = page.getByTestId('revision-history').getByRole('listitem')
  await expect(history).toHaveCount(2)
  await expect(history.first()).toContainText('现行有效')
  await expect(history.last()).toContainText('已被替代')
  // What changed from the first to the second: the second article, line by line.
  const diff = page.getByTestId('revision-diff')
  await expect(page.getByTestId('diff-summary')).toContainText('第 1 版 → 第 2 版：正文新增 1 行、删除 1 行')
  await expect(diff.locator('.diff-line--removed')).toHaveText([/第二条 用车人填写用车申请单。/])
  await expect(diff.locator('.diff-line--added')).toHaveText([/第二条 用车人在网上办事大厅填写用车申请。/])
  await expect(diff).toContainText('用车申请改为网上办理')
  await expectAccessible(page)
  await photograph(page, 'quality-document')

  // The first revision, opened from the history, says it was superseded.
  await page.getByRole('button', { name: '查看第 1 版' }).click()
  await expect(page.getByTestId('revision-shown')).toContainText('已被替代')
  await expect(page.getByTestId('revision-shown')).toContainText('现行版本为第 2 版')

  // The register: both documents in force, by kind, department and owner.
  await mainMenu(page).getByRole('link', { name: '制度与流程' }).click()
  await page.getByLabel('按编号或名称查找').fill(suffix)
  const rows = page.getByTestId('quality-documents').getByRole('row')
  await expect(rows.filter({ hasText: title })).toContainText(director.display_name)
  await expect(rows.filter({ hasText: internalTitle })).toContainText('现行有效')
  await expectAccessible(page)
  await photograph(page, 'quality-register')
  await signOut(page)

  // A unit's staff member: the published procedure in force, nothing of the bureau's own,
  // no earlier revision, nothing to draft or decide.
  await signIn(page, unitStaff.username, unitStaff.password)
  await mainMenu(page).getByRole('link', { name: '制度与流程' }).click()
  await page.getByLabel('按编号或名称查找').fill(suffix)
  const found = page.getByTestId('quality-documents')
  await expect(found.getByRole('link', { name: title })).toBeVisible()
  await expect(found.getByRole('link', { name: internalTitle })).toHaveCount(0)
  await expect(page.getByRole('button', { name: '新建文件' })).toHaveCount(0)
  await found.getByRole('link', { name: title }).click()
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible()
  await expect(page.getByTestId('revision-text')).toContainText('网上办事大厅')
  await expect(page.getByTestId('revision-history').getByRole('listitem')).toHaveCount(1)
  await expect(page.getByRole('button', { name: /修订|废止|审批|编辑/ })).toHaveCount(0)
  await expectAccessible(page)
  await photograph(page, 'quality-unit-staff')
})

function dayAfter(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
}

test('a leader finds the documents whose review is overdue and abolishes one with a reason', async ({ page }) => {
  test.setTimeout(120_000)
  const suffix = randomUUID().slice(0, 8)
  const title = `会议室使用管理规定${suffix}`
  const today = bureauToday()
  const [director, leader] = await Promise.all([
    newUser(['dept_head'], { department: QUALITY_OFFICE, display_name: `质量办主任${suffix}` }),
    newUser(['leader'], { display_name: `局领导${suffix}` }),
  ])
  // In force today, to be reviewed tomorrow.
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  let id = ''
  try {
    id = (
      await ok(
        await admin.post('/api/v1/ledger/quality/documents', {
          data: { code: `GJ-HY-${suffix}`, kind: 'procedure', department: QUALITY_OFFICE, owner_id: director.id, title, text: '第一条 会议室实行预约使用。', effective_on: today, next_review_on: dayAfter(today, 1) },
        }),
        201,
      )
    ).id
    await ok(await admin.post(`/api/v1/ledger/quality/documents/${id}/revisions/1/submit`, { data: { approvers: [director.id] } }))
  } finally {
    await admin.dispose()
  }
  const approver = await apiAs(director.username, director.password)
  try {
    await ok(await approver.post(`/api/v1/ledger/quality/documents/${id}/revisions/1/approve`, { data: {} }))
  } finally {
    await approver.dispose()
  }

  // Three days on, its review date has passed.
  await moveClock(new Date(Date.now() + 3 * 86_400_000))
  try {
    // A leader's home, the cockpit, counts it among the exceptions and opens the register
    // on the overdue reviews.
    await signIn(page, leader.username, leader.password)
    await expect(page.getByRole('heading', { name: '领导驾驶舱', level: 1 })).toBeVisible()
    const reviews = page.getByTestId('cockpit-reviews')
    await expect(page.getByTestId('cockpit-figure-reviews')).not.toContainText('—')
    await expect(reviews.getByRole('link', { name: '在制度与流程中查看全部' })).toBeVisible()
    await photograph(page, 'cockpit-reviews')
    await reviews.getByRole('link', { name: '在制度与流程中查看全部' }).click()
    await expect(page.getByRole('checkbox', { name: '只看复审逾期' })).toBeChecked()
    await page.getByLabel('按编号或名称查找').fill(suffix)
    const row = page.getByTestId('quality-documents').getByRole('row').filter({ hasText: title })
    await expect(row).toContainText('复审逾期')
    await expectAccessible(page)
    await photograph(page, 'quality-overdue')

    await row.getByRole('link', { name: title }).click()
    await expect(page.getByRole('heading', { name: title, level: 1 })).toContainText('复审逾期')
    await page.getByRole('button', { name: '废止' }).click()
    const dialog = dialogOf(page, '废止文件')
    await dialog.getByRole('button', { name: '废止', exact: true }).click()
    await expect(dialog).toContainText('请填写废止理由')
    await dialog.getByLabel('废止理由').fill('已并入《机关会议管理办法》')
    await submitDialog(page, '废止文件', '废止')
    await expect(page.getByRole('heading', { name: title, level: 1 })).toContainText('已废止')
    await expect(page.getByRole('alert').filter({ hasText: '已并入《机关会议管理办法》' })).toBeVisible()
    await expect(page.getByTestId('revision-shown')).toContainText('此版本已随文件废止')
    await expect(page.getByRole('button', { name: '废止' })).toHaveCount(0)
    await expectAccessible(page)
    await photograph(page, 'quality-abolished')
  } finally {
    await moveClock()
  }
})
