// Entry point of both the main and the post step (action.yml runs this file for each).
import { isPost } from './action/state.js'

if (isPost) {
  void import('./action/post.js').then(({ runPost }) => runPost())
} else {
  void import('./action/main.js').then(({ run }) => run())
}
