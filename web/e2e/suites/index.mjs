// The page-by-page browser tests. Each makes its own uniquely named data, so they run in any order or alone.
import { createSupport } from '../support.mjs';
import { adminTests } from './admin.mjs';
import { dashboardTests } from './dashboard.mjs';
import { executionTests } from './executions.mjs';
import { integrationTests } from './integrations.mjs';
import { queueTests } from './queues.mjs';
import { runTests } from './run.mjs';
import { scheduleTests } from './schedules.mjs';
import { workflowTests } from './workflows.mjs';

export function createSuiteTests(env) {
  const support = createSupport(env);
  const requireAuth = (tests) => (env.authEnabled ? tests : []);
  return [
    ...workflowTests(support, env),
    ...executionTests(support, env),
    ...queueTests(support, env),
    ...scheduleTests(support, env),
    ...runTests(support, env),
    ...requireAuth(adminTests(support, env)),
    ...requireAuth(dashboardTests(support, env)),
    ...requireAuth(integrationTests(support, env)),
  ];
}
