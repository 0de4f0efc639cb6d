import { createRouter, createWebHistory, type RouteComponent, type RouteRecordRaw } from 'vue-router'
import { homeOf, FALLBACK_HOME } from '@/homes'
import { SCREENS, mayOpen, type ScreenName } from '@/roles'
import { useSessionStore } from '@/stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Open to anyone, signed in or not. */
    public?: boolean
    /** The screen of roles.ts this route shows (its roles decide who may open it). */
    screen?: ScreenName
  }
}

function screen(name: ScreenName, component: () => Promise<RouteComponent>): RouteRecordRaw {
  const { path } = SCREENS[name]
  return { path: path.slice(1), name, component, meta: { screen: name } }
}

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'signIn', component: () => import('@/views/SignIn.vue'), meta: { public: true } },
  { path: '/board', name: 'board', component: () => import('@/views/public/BoardPage.vue'), meta: { public: true } },
  { path: '/rate/:code', name: 'rate', component: () => import('@/views/public/RatePage.vue'), meta: { public: true } },
  {
    path: '/ratings',
    name: 'ratings',
    component: () => import('@/views/public/RatingsPage.vue'),
    meta: { public: true },
  },
  {
    path: '/',
    component: () => import('@/layouts/ConsoleLayout.vue'),
    children: [
      { path: FALLBACK_HOME.slice(1), name: 'home', component: () => import('@/views/HomePage.vue') },
      screen('newRequest', () => import('@/views/tickets/NewRequest.vue')),
      screen('myRequests', () => import('@/views/tickets/MyRequests.vue')),
      screen('ticket', () => import('@/views/tickets/TicketPage.vue')),
      screen('desk', () => import('@/views/tickets/DeskPage.vue')),
      screen('escalations', () => import('@/views/tickets/EscalationsPage.vue')),
      screen('departmentReport', () => import('@/views/tickets/DepartmentReport.vue')),
      screen('users', () => import('@/views/admin/UsersPage.vue')),
      screen('clients', () => import('@/views/admin/ClientsPage.vue')),
      screen('commitments', () => import('@/views/admin/CommitmentsPage.vue')),
      screen('calendars', () => import('@/views/admin/CalendarsPage.vue')),
    ],
  },
  {
    path: '/:unknown(.*)*',
    name: 'notFound',
    component: () => import('@/views/NotFound.vue'),
    meta: { public: true },
  },
]

/** Where a signed-out person goes for a page that needs a sign-in: back to it afterwards. */
export function signInFor(fullPath: string) {
  return { name: 'signIn', query: fullPath === '/' ? {} : { next: fullPath } }
}

/** A `next` that stays inside the console (never another site: `//evil`, `https://…`). */
export function safeNext(next: unknown): string | null {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : null
}

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach((to) => {
  const session = useSessionStore()
  session.currentToken() // drops a token that has ended: its holder signs in again
  if (to.name === 'signIn') {
    return session.signedIn ? (safeNext(to.query.next) ?? homeOf(session.roles)) : true
  }
  if (to.meta.public) return true
  if (!session.signedIn) return signInFor(to.fullPath)
  const name = to.meta.screen
  if (name && !mayOpen(SCREENS[name], session.roles)) return homeOf(session.roles)
  return true
})
