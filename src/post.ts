// Entry of the post step (action.yml `runs.post`): it can only ever stop the run main recorded.
import { run } from './action/steps/post.js'

void run()
