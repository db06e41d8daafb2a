// Entry of the main step (action.yml `runs.main`). The post step has its own entry, post.ts.
import { run } from './action/steps/main.js'

void run()
