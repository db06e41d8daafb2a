// Entry point of both the main and the post step (action.yml runs this file for each).
import { isPost } from './state.js'

if (isPost) {
  const { runPost } = await import('./post.js')
  await runPost()
} else {
  const { run } = await import('./main.js')
  await run()
}
