// Quality objectives and the management review (issue 20; ISO 9001:2015 6.2 and 9.3) in a
// browser against the real platform: the quality office sets an objective and reads its trend;
// creates a management review, reads its pack (the previous review's outputs among it), holds
// it, records a decision and an action; the action's owner reports its ledger item done in the
// work ledger; closing is refused in words while an output is unverified, someone other than
// the owner verifies them, and the review closes.
import type { APIRequestContext, Locator, Page } from '@playwright/test'
import { randomUUID } from 'node:crypto'
import { ADMIN_PASSWORD, apiAs, expect, expectAccessible, mainMenu, newUser, photograph, signIn, signOut, test } from './support'

// The department the test stack names in GUANJIA_LEDGER_QUALITY_OFFICE (tests/console).
const QUALITY_OFFICE = '质量管理办公室'

function bureauToday(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date())
}

function dayAfter(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10)
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

test('the quality office sets an objective, and runs a management review from its pack to its verified outputs and its closing', async ({ page }) => {
  test.setTimeout(240_000)
  const suffix = randomUUID().slice(0, 8)
  const today = bureauToday()
  const [keeper, head, owner] = await Promise.all([
    newUser(['agent'], { department: QUALITY_OFFICE, display_name: `质量办科员${suffix}` }),
    newUser(['dept_head'], { department: QUALITY_OFFICE, display_name: `质量办主任${suffix}` }),
    newUser(['agent'], { department: QUALITY_OFFICE, display_name: `质量办干事${suffix}` }),
  ])

  // The review before: held a month ago with a decision still open.
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  const previousTitle = `上半年管理评审${suffix}`
  try {
    const previous = await ok(
      await admin.post('/api/v1/ledger/quality/reviews', {
        data: { title: previousTitle, held_on: dayAfter(today, -30), period_from: dayAfter(today, -210), period_to: dayAfter(today, -31), chair_id: head.id, participants: [] },
      }),
      201,
    )
    await ok(await admin.post(`/api/v1/ledger/quality/reviews/${previous.id}/hold`))
    await ok(await admin.post(`/api/v1/ledger/quality/reviews/${previous.id}/outputs`, { data: { kind: 'decision', text: `修订服务承诺的办结时限${suffix}` } }), 201)
  } finally {
    await admin.dispose()
  }

  // The quality office sets the year's objective for its own ledger items, and reads its trend.
  await signIn(page, keeper.username, keeper.password)
  await mainMenu(page).getByRole('link', { name: '质量目标' }).click()
  await expect(page.getByRole('heading', { name: '质量目标', level: 1 })).toBeVisible()
  await page.getByRole('button', { name: '设定目标' }).click()
  const objectiveDialog = dialogOf(page, '设定目标')
  const objectiveTitle = `质量办台账按期完成率${suffix}`
  await objectiveDialog.getByLabel('目标名称').fill(objectiveTitle)
  await pick(page, objectiveDialog, '指标', '台账按期完成率')
  await objectiveDialog.getByLabel('目标值（%）').fill('90')
  await objectiveDialog.getByLabel('适用处室').fill(QUALITY_OFFICE)
  await expect(objectiveDialog).toContainText('到期的台账事项是否按期完成')
  await expectAccessible(page)
  await photograph(page, 'quality-objective-set')
  await submitDialog(page, '设定目标', '设定目标')
  await expect(page.getByRole('heading', { name: objectiveTitle, level: 1 })).toBeVisible()
  await expect(page.getByTestId('objective-facts')).toContainText('不低于 90%')
  await expect(page.getByTestId('objective-trend').locator('svg').first()).toBeVisible()
  await expect(page.getByTestId('objective-months').locator('tbody tr')).toHaveCount(12)
  await expect(page.getByTestId('objective-months')).toContainText('12月')
  await expectAccessible(page)
  await photograph(page, 'quality-objective')
  await page.getByRole('navigation', { name: '所在位置' }).getByRole('link', { name: '质量目标' }).click()
  const objectiveRow = page.getByTestId('quality-objectives').getByRole('row').filter({ hasText: objectiveTitle })
  await expect(objectiveRow).toContainText('不低于 90%')
  await expect(objectiveRow).toContainText(QUALITY_OFFICE)
  await expectAccessible(page)
  await photograph(page, 'quality-objectives')

  // A management review chaired by the office's head, its pack collected at once.
  await mainMenu(page).getByRole('link', { name: '管理评审' }).click()
  await expect(page.getByRole('heading', { name: '管理评审', level: 1 })).toBeVisible()
  await page.getByRole('button', { name: '新建管理评审' }).click()
  const reviewDialog = dialogOf(page, '新建管理评审')
  const reviewTitle = `年度管理评审${suffix}`
  await reviewDialog.getByLabel('评审名称').fill(reviewTitle)
  await pick(page, reviewDialog, '主持人', head.display_name)
  await pick(page, reviewDialog, '添加参加人员', owner.display_name)
  await expect(reviewDialog.getByRole('list', { name: '参加人员' })).toContainText(owner.display_name)
  await expectAccessible(page)
  await photograph(page, 'quality-review-create')
  await submitDialog(page, '新建管理评审', '新建')
  const heading = page.getByRole('heading', { name: reviewTitle, level: 1 })
  await expect(heading).toContainText('筹备中')
  await expect(page.getByTestId('review-facts')).toContainText(head.display_name)
  await expect(page.getByTestId('review-facts')).toContainText(owner.display_name)
  await expect(page.getByTestId('review-pack-moment')).toContainText('输入于')
  await expect(page.getByTestId('pack-nonconformities')).toContainText('原因分析')
  await expect(page.getByTestId('pack-objectives')).toContainText(objectiveTitle)
  const previous = page.getByTestId('pack-previous')
  await expect(previous).toContainText(previousTitle)
  await expect(previous).toContainText(`修订服务承诺的办结时限${suffix}`)
  await expect(previous).toContainText('未完成 1 项')
  await expectAccessible(page)
  await photograph(page, 'quality-review-pack')

  // Held: the pack is frozen; a decision and an action are its outputs.
  await page.getByRole('button', { name: '召开评审' }).click()
  await expect(heading).toContainText('已召开')
  await expect(page.getByTestId('review-pack-moment')).toContainText('输入不再更新')
  await page.getByRole('button', { name: '记录评审决定' }).click()
  let output = dialogOf(page, '记录评审决定')
  await output.getByLabel('决定内容').fill(`明年质量目标增加服务满意率不低于95%${suffix}`)
  await submitDialog(page, '记录评审决定', '添加')
  await page.getByRole('button', { name: '添加改进措施' }).click()
  output = dialogOf(page, '添加改进措施')
  const actionText = `编制管理评审输入核对表${suffix}`
  await output.getByLabel('措施内容').fill(actionText)
  await pick(page, output, '责任人', owner.display_name)
  await fillDate(output, '完成期限', today)
  await expectAccessible(page)
  await photograph(page, 'quality-review-action')
  await submitDialog(page, '添加改进措施', '添加')
  const outputs = page.getByTestId('review-outputs').getByRole('listitem')
  await expect(outputs).toHaveCount(2)
  await expect(outputs.filter({ hasText: actionText })).toContainText(owner.display_name)

  // Closing while an output is unverified is refused in words.
  await page.getByRole('button', { name: '关闭评审' }).click()
  await expect(page.locator('.el-message').filter({ hasText: '还有评审输出未验证，全部验证后才能关闭评审' })).toBeVisible()
  await expectAccessible(page)
  await photograph(page, 'quality-review-held')
  await signOut(page)

  // The action's owner reports its ledger item done in the work ledger.
  await signIn(page, owner.username, owner.password)
  await mainMenu(page).getByRole('link', { name: '管理评审' }).click()
  await page.getByTestId('quality-reviews').getByRole('link', { name: reviewTitle }).click()
  await expect(heading).toBeVisible()
  const action = page.getByTestId('review-outputs').getByRole('listitem').filter({ hasText: actionText })
  // Its owner is not offered to verify it.
  await expect(action.getByRole('button', { name: /^验证/ })).toHaveCount(0)
  await action.getByRole('link', { name: '在工作台账中查看' }).click()
  await expect(page.getByRole('heading', { name: actionText, level: 1 })).toBeVisible()
  await page.getByRole('button', { name: '汇报进展' }).click()
  await page.getByLabel('完成进度（%）').fill('100')
  await page.getByLabel('进展情况').fill('核对表已印发')
  await dialogOf(page, '汇报进展').getByRole('button', { name: '提交' }).click()
  await expect(dialogOf(page, '汇报进展')).toBeHidden()
  await expect(page.getByTestId('item-reports')).toContainText('核对表已印发')
  await photograph(page, 'quality-review-ledger-item')
  await page.goBack()
  await expect(page.getByTestId('review-outputs').getByRole('listitem').filter({ hasText: actionText })).toContainText('已完成待验证')
  await signOut(page)

  // Someone else — the quality office's keeper — verifies both, and the review closes.
  await signIn(page, keeper.username, keeper.password)
  await mainMenu(page).getByRole('link', { name: '管理评审' }).click()
  await page.getByTestId('quality-reviews').getByRole('link', { name: reviewTitle }).click()
  await expect(heading).toContainText('已召开')
  for (const [text, evidence] of [
    [actionText, '核对表已印发，抽查两个处室'],
    [`明年质量目标增加服务满意率不低于95%${suffix}`, '已列入明年质量目标'],
  ] as const) {
    const line = page.getByTestId('review-outputs').getByRole('listitem').filter({ hasText: text })
    await line.getByRole('button', { name: /^验证/ }).click()
    const verify = dialogOf(page, '验证评审输出')
    await verify.getByLabel('验证证据').fill(evidence)
    if (text === actionText) {
      await expectAccessible(page)
      await photograph(page, 'quality-review-verify')
    }
    await submitDialog(page, '验证评审输出', '验证')
    await expect(line).toContainText('已验证')
    await expect(line).toContainText(evidence)
  }
  await page.getByRole('button', { name: '关闭评审' }).click()
  await expect(heading).toContainText('已关闭')
  await expect(page.getByRole('button', { name: '添加改进措施' })).toHaveCount(0)
  await expectAccessible(page)
  await photograph(page, 'quality-review-closed')

  // The list shows it closed.
  await mainMenu(page).getByRole('link', { name: '管理评审' }).click()
  await expect(page.getByTestId('quality-reviews').getByRole('row').filter({ hasText: reviewTitle })).toContainText('已关闭')
  await expectAccessible(page)
  await photograph(page, 'quality-reviews')

  // The objective now counts the action, done by its deadline: this month has its value.
  await mainMenu(page).getByRole('link', { name: '质量目标' }).click()
  await page.getByTestId('quality-objectives').getByRole('link', { name: objectiveTitle }).click()
  await expect(page.getByRole('heading', { name: objectiveTitle, level: 1 })).toBeVisible()
  const thisMonth = page.getByTestId('objective-months').locator('tbody tr').nth(Number(today.slice(5, 7)) - 1)
  await expect(thisMonth).toContainText(/[1-9]\d* \/ [1-9]\d*/)
  await expect(page.getByTestId('objective-facts')).not.toContainText('统计 0 / 0 项')
  await expectAccessible(page)
  await photograph(page, 'quality-objective-counted')
  await signOut(page)
})
