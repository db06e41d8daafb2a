// Entry point of both the main and the post step (action.yml runs this file for each).
import { isPost } from './state.js'

if (isPost) {
  void import('./post.js').then(({ runPost }) => runPost())
} else {
  void import('./main.js').then(({ run }) => run())
}
