// The whole way a newcomer is told it works, in one browser against the real platform: the
// admin makes a unit's staff member in the screen; that person files a request; an agent of
// the department takes, starts and resolves it; the staff member confirms it; the rating
// page takes a rating by its code without a sign-in; the public results count it.
import { randomUUID } from 'node:crypto'
import type { Page } from '@playwright/test'
import { ADMIN_PASSWORD, apiAs, expect, mainMenu, newUser, photograph, signIn, signOut, test } from './support'

const suffix = randomUUID().slice(0, 8)
const department = `综合服务处${suffix}`
const commitment = { code: `JOURNEY-${suffix}`, name: `办公家具维修${suffix}` }
const unitName = `市档案局${suffix}`
const staff = { username: `journey-${suffix}`, password: 'journey-password-1', name: '周敏' }
const title = '档案室两把椅子扶手断裂'

/** What the admin has done before this story: a unit, and a published commitment. */
async function bureauReady(): Promise<void> {
  const admin = await apiAs('admin', ADMIN_PASSWORD)
  try {
    const unit = await admin.post('/api/v1/asset/units', {
      data: { code: `J-${suffix}`, name: unitName, level: 'municipal' },
    })
    expect(unit.status(), await unit.text()).toBe(201)
    const created = await admin.post('/api/v1/ticket/commitments', {
      data: { ...commitment, category: '维修', department, response_minutes: 60, resolve_hours: 8 },
    })
    expect(created.status(), await created.text()).toBe(201)
    const { id } = (await created.json()) as { id: string }
    const published = await admin.post(`/api/v1/ticket/commitments/${id}/publish`)
    expect(published.status(), await published.text()).toBe(200)
  } finally {
    await admin.dispose()
  }
}

async function ratingsCounted(page: Page): Promise<number> {
  const answer = await page.request.get('/public/v1/ratings/summary')
  expect(answer.status()).toBe(200)
  return ((await answer.json()) as { overall: { count: number } }).overall.count
}

/** Clicks an action of the ticket page, then agrees with the same word in its question. */
async function act(page: Page, action: string): Promise<void> {
  await page.getByTestId('ticket-actions').getByRole('button', { name: action }).click()
  const question = page.getByRole('dialog')
  await question.getByRole('button', { name: action }).click()
  await expect(question).toBeHidden()
}

test('admin → unit staff files → agent resolves → unit confirms → rated by code → counted', async ({ page }) => {
  await bureauReady()
  const agent = await newUser(['agent'], { department })
  const countedBefore = await ratingsCounted(page)

  // The admin makes the unit's staff member in the users screen.
  await signIn(page, 'admin', ADMIN_PASSWORD)
  await page.getByRole('button', { name: '新增用户' }).click()
  const form = page.getByRole('dialog', { name: '新增用户' })
  await form.getByLabel('用户名').fill(staff.username)
  await form.getByLabel('姓名').fill(staff.name)
  await form.getByLabel('初始密码').fill(staff.password)
  await form.getByText('单位工作人员', { exact: true }).click()
  await form.getByLabel('所属单位').click()
  // The list is chosen from once the search for the name has answered: an option clicked
  // while the list is being replaced is not chosen (seen on a loaded machine).
  const searched = page.waitForResponse((answer) => answer.url().includes('/api/v1/asset/units?q='))
  await form.getByLabel('所属单位').fill(unitName)
  await searched
  await page.getByRole('option', { name: unitName }).click()
  // The choice made and its list closed (as in admin.spec.ts) before the form is sent.
  await expect(page.getByRole('listbox')).toBeHidden()
  await expect(form.getByText(unitName, { exact: true })).toBeVisible()
  await form.getByRole('button', { name: '创建' }).click()
  await expect(form).toBeHidden()
  await signOut(page)

  // The staff member files the request from the published commitments.
  await signIn(page, staff.username, staff.password)
  await mainMenu(page).getByRole('link', { name: '提交申请' }).click()
  await page.getByTestId('commitment-select').click()
  await page.getByRole('option', { name: `${commitment.name}（${department}）` }).click()
  await page.getByLabel('标题').fill(title)
  await page.getByLabel('详细说明').fill('三楼档案室，两把办公椅扶手断裂，请派人维修或更换。')
  await page.getByRole('button', { name: '提交申请' }).click()
  await expect(page.getByRole('heading', { name: title })).toBeVisible()
  await expect(page.getByTestId('ticket-status-text')).toHaveText('待受理')
  await signOut(page)

  // The department's agent takes it from the desk, starts and resolves it.
  await signIn(page, agent.username, agent.password)
  await page.getByRole('tab', { name: /待受理的申请（1）/ }).click()
  await page.getByRole('button', { name: '受理' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '受理' }).click()
  await expect(page.getByTestId('ticket-first-receiver')).toHaveText('我')
  await act(page, '开始办理')
  await expect(page.getByTestId('ticket-status-text')).toHaveText('办理中')
  await page.getByTestId('ticket-actions').getByRole('button', { name: '办结' }).click()
  await page.getByRole('dialog').getByLabel('办理结果').fill('已更换两把椅子的扶手。')
  await page.getByRole('dialog').getByRole('button', { name: '提交' }).click()
  await expect(page.getByTestId('ticket-status-text')).toHaveText('已办结，待确认')
  await signOut(page)

  // The staff member confirms and is given the rating page of this ticket.
  await signIn(page, staff.username, staff.password)
  await page.getByRole('link', { name: title }).click()
  await page.getByTestId('ticket-actions').getByRole('button', { name: '确认办理结果' }).click()
  const confirm = page.getByRole('dialog')
  await expect(confirm.getByRole('radiogroup', { name: '是否满意' }).getByRole('radio', { name: '满意', exact: true })).toBeChecked()
  await confirm.getByRole('radiogroup', { name: '评分' }).getByText('满意', { exact: true }).click()
  await confirm.getByRole('button', { name: '提交' }).click()
  await expect(confirm).toBeHidden()
  await expect(page.getByTestId('ticket-status-text')).toHaveText('已关闭')
  const rateLink = page.getByTestId('rating-code').getByRole('link', { name: '满意度评价页面' })
  const ratePath = await rateLink.getAttribute('href')
  expect(ratePath).toMatch(/^\/rate\/[A-Za-z0-9_-]{16,}$/)
  await signOut(page)

  // Anyone with the code (a QR code on the slip) rates it, without signing in.
  await page.goto(ratePath!)
  await expect(page.getByTestId('rate-title')).toHaveText(title)
  await page.getByRole('radiogroup', { name: '您对本次服务满意吗？' }).getByText('非常满意', { exact: true }).click()
  await page.getByRole('button', { name: '提交' }).click()
  await expect(page.getByTestId('rate-outcome')).toContainText('感谢您的评价！')
  await photograph(page, 'journey-rated')

  // The public results count it.
  await page.goto('/ratings')
  await expect(page.getByTestId('ratings-overall')).toContainText(`共收到 ${countedBefore + 1} 份评价`)
})
