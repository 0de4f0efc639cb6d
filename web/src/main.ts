import 'element-plus/dist/index.css'
import './styles.css'
import dayjs from 'dayjs'
import 'dayjs/locale/zh-cn'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { configureApi } from './api/client'
import { i18n } from './i18n'
import { router, signInFor } from './router'
import { useSessionStore } from './stores/session'

dayjs.locale('zh-cn')

const app = createApp(App)
app.use(createPinia())
app.use(i18n)

const session = useSessionStore()
configureApi({
  token: () => session.currentToken(),
  onUnauthorized: () => {
    session.signOut()
    const current = router.currentRoute.value
    if (!current.meta.public) void router.push(signInFor(current.fullPath))
  },
})

app.use(router)
app.mount('#app')
