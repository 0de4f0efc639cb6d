// Internal audits and read-and-acknowledge (issue 20) in a browser against the real
// platform: the quality office plans an audit of a department — an auditor of that
// department refused in words — starts it, assesses its checklist (one minor nonconformity
// with its evidence), has its report refused while a line is unassessed and then reports,
// opens the nonconformity from the finding and follows it to 纠正措施, and closes the audit.
// Then a document is distributed to the department: one of its people finds it in 待学习制度
// and acknowledges it, and its owner sees the department's count of those not yet drop.
import type { APIRequestContext, Locator, Page } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { ADMIN_PASSWORD, apiAs, expect, expectAccessible, mainMenu, newUser, photograph, signIn, signOut, test, type NewUser } from './support'

// The department the test stack names in GUANJIA_LEDGER_QUALITY_OFFICE (tests/console).
const QUALITY_OFFICE = '质量管理办公室'

function bureauToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
}

/** `days` after `day`, kept within its year (an audit's dates are its programme's year's). */
function laterInYear(day: string, days: number): string {
  const later = new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
  return later.slice(0, 4) === day.slice(0, 4) ? later : `${day.slice(0, 4)}-12-31`
}

function dialogOf(page: Page, title: string): Locator {
  return page.getByRole('dialog', { name: title })
}

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

async function ok(answer: Awaited<ReturnType<APIRequestContext['post']>>, status = 200): Promise<{ id: string }> {
  expect(answer.status(), await answer.text()).toBe(status)
  return (await answer.json()) as { id: string }
}

/** A procedure of `department` in force from today, owned and approved by `head`: its id. */
async function inForce(code: string, title: string, department: string, head: NewUser): Promise<string> {
  const today = bureauToday()
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  let id = ''
  try {
    id = (
      await ok(
        await admin.post('/api/v1/ledger/quality/documents', {
          data: { code, kind: 'procedure', department, owner_id: head.id, title, text: `第一条 ${title}。`, effective_on: today, next_review_on: `${Number(today.slice(0, 4)) + 1}${today.slice(4)}` },
        }),
        201,
      )
    ).id
    await ok(await admin.post(`/api/v1/ledger/quality/documents/${id}/revisions/1/submit`, { data: { approvers: [head.id] } }))
  } finally {
    await admin.dispose()
  }
  const approver = await apiAs(head.username, head.password)
  try {
    await ok(await approver.post(`/api/v1/ledger/quality/documents/${id}/revisions/1/approve`, { data: {} }))
  } finally {
    await approver.dispose()
  }
  return id
}

/** Picks a person of `department` by name in the plan dialog and presses `button`. */
async function pickAuditor(page: Page, dialog: Locator, department: string, person: NewUser, button: string): Promise<void> {
  await dialog.getByLabel('从处室中选人').fill(department)
  await pick(page, dialog, '人员', person.display_name)
  await dialog.getByRole('button', { name: button, exact: true }).click()
}

/** Records a finding on the checklist line of `code`. */
async function assess(page: Page, code: string, kind: string, evidence: string, severity?: string, photo?: string): Promise<void> {
  await page.getByRole('button', { name: `评价 ${code}` }).click()
  const dialog = dialogOf(page, '记录审核发现')
  await expect(dialog).toContainText(code)
  await dialog.getByRole('radio', { name: kind, exact: true }).check({ force: true })
  if (severity) await dialog.getByRole('radio', { name: severity, exact: true }).check({ force: true })
  await dialog.getByLabel('客观证据').fill(evidence)
  if (photo) {
    await expectAccessible(page)
    await photograph(page, photo)
  }
  await submitDialog(page, '记录审核发现', '保存')
}

test('the quality office plans, runs, reports and closes an internal audit; its nonconformity is opened from the finding', async ({ page }) => {
  test.setTimeout(240_000)
  const suffix = randomUUID().slice(0, 8)
  const department = `后勤服务处${suffix}`
  const other = `财务处${suffix}`
  const [keeper, auditor, insider, head] = await Promise.all([
    newUser(['auditor'], { department: QUALITY_OFFICE, display_name: `质量办审核员${suffix}` }),
    newUser(['agent'], { department: other, display_name: `财务处科员${suffix}` }),
    newUser(['agent'], { department, display_name: `后勤处科员${suffix}` }),
    newUser(['dept_head'], { department, display_name: `后勤处长${suffix}` }),
  ])
  const kept = { code: `GJ-HQ-${suffix}-1`, title: `食堂就餐管理规定${suffix}` }
  const lacking = { code: `GJ-HQ-${suffix}-2`, title: `公务用车派车流程${suffix}` }
  await inForce(kept.code, kept.title, department, head)
  await inForce(lacking.code, lacking.title, department, head)
  const today = bureauToday()

  // The year's programme, set up by whoever comes first.
  await signIn(page, keeper.username, keeper.password)
  await mainMenu(page).getByRole('link', { name: '内部审核' }).click()
  await expect(page.getByRole('heading', { name: '内部审核', level: 1 })).toBeVisible()
  const create = page.getByRole('button', { name: '建立年度审核方案' })
  await expect(page.getByTestId('audit-programme').or(create)).toBeVisible()
  if (await create.isVisible()) await create.click()
  await expect(page.getByTestId('audit-programme')).toBeVisible()

  // Planned with an auditor of the department audited: refused, in words.
  await page.getByRole('button', { name: '计划审核' }).click()
  const dialog = dialogOf(page, '计划审核')
  await dialog.getByLabel('审核名称').fill(`${department}内部审核`)
  await dialog.getByLabel('受审处室').fill(department)
  await fillDate(dialog, '开始日期', today)
  await fillDate(dialog, '结束日期', laterInYear(today, 7))
  await pickAuditor(page, dialog, QUALITY_OFFICE, keeper, '设为审核组长')
  await expect(dialog.getByTestId('audit-lead')).toContainText(keeper.display_name)
  await pickAuditor(page, dialog, department, insider, '加入审核组')
  await expect(dialog.getByTestId('audit-auditors')).toContainText(insider.display_name)
  await dialog.getByRole('button', { name: '计划审核', exact: true }).click()
  await expect(dialog.getByTestId('audit-refusal')).toContainText('审核员不能审核本处室的工作')
  await expectAccessible(page)
  await photograph(page, 'quality-audit-refused')

  // Another department's auditor instead.
  await dialog.getByTestId('audit-auditors').locator('.el-tag').filter({ hasText: insider.display_name }).locator('.el-tag__close').click()
  await pickAuditor(page, dialog, other, auditor, '加入审核组')
  await expect(dialog.getByTestId('audit-auditors')).toContainText(auditor.display_name)
  await expect(dialog.getByTestId('audit-refusal')).toBeHidden()
  await submitDialog(page, '计划审核', '计划审核')
  await expect(page.getByRole('heading', { name: `${department}内部审核`, level: 1 })).toContainText('计划中')
  const facts = page.getByTestId('audit-facts')
  await expect(facts).toContainText(auditor.display_name)
  await expect(facts).toContainText(department)
  await expectAccessible(page)
  await photograph(page, 'quality-audit-planned')

  // Started: the checklist is the department's documents in force.
  await page.getByRole('button', { name: '开始审核' }).click()
  await expect(page.getByTestId('audit-status')).toHaveText('实施中')
  const checklist = page.getByTestId('audit-checklist')
  await expect(checklist).toContainText(kept.code)
  await expect(checklist).toContainText(lacking.code)
  await expect(facts).toContainText('已评价 0/2 项')

  await assess(page, kept.code, '符合', '抽查 10 月份就餐登记，与规定一致。')
  await expect(facts).toContainText('已评价 1/2 项')
  await expectAccessible(page)
  await photograph(page, 'quality-audit-checklist')

  // The report is refused while a line is unassessed.
  await page.getByRole('button', { name: '提交审核报告' }).click()
  let report = dialogOf(page, '提交审核报告')
  await report.getByLabel('审核报告').fill('后勤服务处制度执行总体良好，派车流程存在一般不符合。')
  await report.getByRole('button', { name: '提交审核报告', exact: true }).click()
  await expect(report.getByTestId('report-refusal')).toContainText('检查表还有未评价的项')
  await photograph(page, 'quality-audit-report-refused')
  await report.getByRole('button', { name: '取消' }).click()
  await expect(report).toBeHidden()

  await assess(page, lacking.code, '不符合', '11 月 3 日、5 日两次派车无审批记录。', '一般不符合', 'quality-audit-assess')
  await expect(facts).toContainText('已评价 2/2 项')
  await expect(facts).toContainText('不符合 1')

  await page.getByRole('button', { name: '提交审核报告' }).click()
  report = dialogOf(page, '提交审核报告')
  await report.getByLabel('审核报告').fill('后勤服务处制度执行总体良好，派车流程存在一般不符合。')
  await submitDialog(page, '提交审核报告', '提交审核报告')
  await expect(page.getByTestId('audit-status')).toHaveText('已报告')
  await expect(page.getByTestId('audit-report')).toContainText('派车流程存在一般不符合')
  await expect(page.getByText('还有 1 个不符合发现未登记不符合项')).toBeVisible()

  // The nonconformity from the finding, then followed to 纠正措施.
  const finding = page.getByTestId('audit-finding').filter({ hasText: '一般不符合' })
  await finding.getByRole('button', { name: '登记不符合项' }).click()
  await submitDialog(page, '登记不符合项', '登记不符合项')
  await expect(finding.getByRole('link', { name: /不符合项/ })).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'quality-audit-reported')
  await finding.getByRole('link', { name: /不符合项/ }).click()
  await expect(page.getByRole('heading', { level: 1 })).toContainText(lacking.code)
  await expect(page.locator('main')).toContainText('11 月 3 日、5 日两次派车无审批记录。')
  await page.goBack()

  // Closed.
  await page.getByRole('button', { name: '关闭审核' }).click()
  await dialogOf(page, '关闭审核').getByLabel('关闭说明').fill('不符合项已登记，转纠正措施跟踪。')
  await submitDialog(page, '关闭审核', '关闭审核')
  await expect(page.getByTestId('audit-status')).toHaveText('已关闭')
  await expectAccessible(page)
  await photograph(page, 'quality-audit-closed')

  await page.getByRole('link', { name: '内部审核' }).first().click()
  const row = page.getByTestId('quality-audits').getByRole('row').filter({ hasText: `${department}内部审核` })
  await expect(row).toContainText('已关闭')
  await expectAccessible(page)
  await photograph(page, 'quality-audits')
  await signOut(page)
})

test('a document distributed to a department is read and acknowledged by its people, and its owner sees who has not yet', async ({ page }) => {
  test.setTimeout(180_000)
  const suffix = randomUUID().slice(0, 8)
  const department = `办公室${suffix}`
  const [head, clerk] = await Promise.all([
    newUser(['dept_head'], { department, display_name: `办公室主任${suffix}` }),
    newUser(['agent'], { department, display_name: `办公室科员${suffix}` }),
  ])
  const code = `GJ-BGS-${suffix}-1`
  const title = `公文处理办法${suffix}`
  const id = await inForce(code, title, department, head)
  // The clerk has used the console before: ledger-svc knows them (as it learns on a sign-in).
  const asClerk = await apiAs(clerk.username, clerk.password)
  try {
    expect((await asClerk.get('/api/v1/ledger/quality/to-read')).status()).toBe(200)
  } finally {
    await asClerk.dispose()
  }

  // The owner distributes it to the department.
  await signIn(page, head.username, head.password, `/quality/documents/${id}`)
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible()
  const reading = page.getByTestId('document-reading')
  await expect(reading).toContainText('尚未分发')
  await reading.getByRole('button', { name: '分发学习' }).click()
  const dialog = dialogOf(page, `分发学习：${code}`)
  await dialog.getByLabel('处室', { exact: true }).fill(department)
  await expectAccessible(page)
  await photograph(page, 'quality-distribute')
  await submitDialog(page, `分发学习：${code}`, '分发学习')
  const row = page.getByTestId('reading-departments').getByRole('row').filter({ hasText: department })
  await expect(row).toContainText(clerk.display_name)
  await expect(page.getByTestId('reading-counts')).toContainText('未阅 2 人')
  await expectAccessible(page)
  await photograph(page, 'quality-reading-before')
  await signOut(page)

  // The clerk finds it in 待学习制度, reads it and acknowledges it: it leaves the list.
  await signIn(page, clerk.username, clerk.password)
  await mainMenu(page).getByRole('link', { name: '待学习制度' }).click()
  await expect(page.getByRole('heading', { name: '待学习制度', level: 1 })).toBeVisible()
  const list = page.getByTestId('quality-to-read')
  await expect(list).toContainText(code)
  await expectAccessible(page)
  await photograph(page, 'quality-to-read')
  await list.getByRole('link', { name: title }).click()
  await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible()
  const mine = page.getByTestId('reading-mine')
  await expect(mine).toContainText('请阅读第 1 版全文后确认已阅知')
  await expectAccessible(page)
  await photograph(page, 'quality-acknowledge')
  await mine.getByRole('button', { name: '已阅知' }).click()
  await expect(mine).toContainText('您已于')
  await mainMenu(page).getByRole('link', { name: '待学习制度' }).click()
  await expect(list).toContainText('没有待学习的制度')
  await page.getByRole('radio', { name: '已学习' }).check({ force: true })
  await expect(list).toContainText(code)
  await signOut(page)

  // The owner sees the department's count drop.
  await signIn(page, head.username, head.password, `/quality/documents/${id}`)
  await expect(page.getByTestId('reading-counts')).toContainText('未阅 1 人')
  await expect(page.getByTestId('reading-departments').getByRole('row').filter({ hasText: department })).not.toContainText(clerk.display_name)
  await expectAccessible(page)
  await photograph(page, 'quality-reading-after')
})
